"""Writes for a lab's functions (register template B_06.01): validate, save, audit."""

from django.db import transaction

from vendorrisk.core.scoping import scoped_count
from vendorrisk.core.services import model_create, model_delete, model_update

from ..models import Engagement, Function


@transaction.atomic
def function_create(*, actor, **data) -> Function:
    return model_create(Function, actor=actor, data=data)


@transaction.atomic
def function_update(*, actor, instance: Function, **data) -> Function:
    function, _ = model_update(instance, actor=actor, data=data)
    return function


@transaction.atomic
def function_delete(*, actor, instance: Function) -> None:
    # Engagements list their functions by id (JSON), so the blocker is found by reading the lab's rows.
    supporting = [
        pk
        for pk, ids in Engagement.objects.filter(lab_id=instance.lab_id).values_list("id", "functions")
        if instance.pk in (ids or [])
    ]
    model_delete(
        instance,
        actor=actor,
        blockers={"engagements": scoped_count(Engagement.objects.filter(pk__in=supporting), actor)},
        advice="Remove the function from those engagements first.",
    )

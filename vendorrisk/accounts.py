"""User management (admin only): roles and lab limits. Reads and writes, like the apps' services."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from vendors.models import Lab

from .audit import acting_as
from .roles import Role

User = get_user_model()


def user_list(*, user):
    return User.objects.prefetch_related("labs").order_by("id")


def _check_limits(*, role: str, all_labs: bool, labs) -> None:
    if role != Role.ADMIN and not all_labs and not labs:
        raise ValidationError({"labs": "A non-admin user needs all_labs or at least one lab."})


@transaction.atomic
def user_create(*, actor, password: str, labs=(), **data) -> User:
    user = User(**data)
    _check_limits(role=user.role, all_labs=user.all_labs, labs=labs)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})
    user.set_password(password)
    with acting_as(actor):
        user.full_clean(exclude=["password"])
        user.save()
        user.labs.set(labs)
    return user


@transaction.atomic
def user_update(*, actor, instance: User, password: str | None = None, labs=None, **data) -> User:
    for field, value in data.items():
        setattr(instance, field, value)
    new_labs = list(instance.labs.all()) if labs is None else labs
    _check_limits(role=instance.role, all_labs=instance.all_labs, labs=new_labs)
    if password:
        try:
            validate_password(password, instance)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages})
        instance.set_password(password)
    with acting_as(actor):
        instance.full_clean(exclude=["password"])
        instance.save()
        if labs is not None:
            instance.labs.set(labs)
    return instance


@transaction.atomic
def user_delete(*, actor, instance: User) -> None:
    if instance.pk == getattr(actor, "pk", None):
        from .errors import ApplicationError

        raise ApplicationError("You cannot delete your own account.")
    with acting_as(actor):
        instance.delete()


__all__ = ["Lab", "user_create", "user_delete", "user_list", "user_update"]

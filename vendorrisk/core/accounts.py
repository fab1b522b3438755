"""User management (admin only): roles and lab limits. Reads and writes, like the apps' services.

The rules every write path shares (API, Django admin): `check_access_change` (the last active admin stays,
nobody deactivates themselves) and `check_assignee` (owners and assessors). A password change revokes
the user's API tokens in `User.save()` (every path sets a password through it); Django's session auth
hash ends the user's other sessions.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import acting_as
from .errors import ApplicationError
from .roles import Role
from .scoping import lab_viewers

User = get_user_model()


def user_list(*, user):
    return User.objects.prefetch_related("labs").order_by("id")


def unknown_user_error(field: str, pk) -> ValidationError:
    """The message of an id the caller may not use: the same as DRF's for an id that does not exist."""
    return ValidationError({field: f'Invalid pk "{pk}" - object does not exist.'})


def check_assignee(*, field: str, user, previous_id=None, lab_id=None, lab_changed: bool = False) -> None:
    """An owner or assessor, when set or changed, is an active user; for a lab's object (`lab_id`) one
    who may see that lab (checked again when the object moves to another lab). Anything else reads like
    an unknown id, so no answer tells whether a user exists or which labs they see.
    """
    if user is None:
        return
    changed = user.pk != previous_id
    if not changed and not lab_changed:
        return
    allowed = User.objects.filter(pk=user.pk)
    if changed:
        allowed = allowed.filter(is_active=True)
    if lab_id is not None:
        allowed = allowed.filter(pk__in=lab_viewers(lab_id).values("pk"))
    if not allowed.exists():
        raise unknown_user_error(field, user.pk)


def check_access_change(*, actor, instance: User, role: str, is_active: bool) -> None:
    """Nobody deactivates themselves; the last active admin can be neither demoted nor deactivated.

    Called with the values the change would leave, by the API service and the Django admin's form.
    Other active admins are locked first, so two admins demoting each other cannot both succeed.
    """
    errors = {}
    if instance.pk is not None and instance.pk == getattr(actor, "pk", None) and not is_active:
        errors["is_active"] = "You cannot deactivate your own account."
    if instance.pk is not None and not errors and not (role == Role.ADMIN and is_active):
        # Lock every active admin, this one included, then look: of two admins demoting each other at
        # once, the second waits for the first and then finds itself the last one.
        admins = set(
            User.objects.select_for_update()
            .filter(role=Role.ADMIN, is_active=True)
            .values_list("pk", flat=True)
        )
        if instance.pk in admins and not admins - {instance.pk}:
            field = "is_active" if not is_active else "role"
            errors[field] = (
                "This is the last active admin: make another user admin first, "
                "so that someone can still manage users."
            )
    if errors:
        raise ValidationError(errors)


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
    check_access_change(
        actor=actor,
        instance=instance,
        role=data.get("role", instance.role),
        is_active=data.get("is_active", instance.is_active),
    )
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
        raise ApplicationError("You cannot delete your own account.")
    with acting_as(actor):
        instance.delete()


__all__ = [
    "check_access_change",
    "check_assignee",
    "unknown_user_error",
    "user_create",
    "user_delete",
    "user_list",
    "user_update",
]

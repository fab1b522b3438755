"""The one scoping function. Every queryset, form choice and export of lab-owned rows goes through it.

Models say how they belong to a lab with `scope_lab_field` (a lookup path to the lab id, or None for
vendor records, which are shared knowledge visible to everyone).
"""

from django.db.models import QuerySet

from vendorrisk.roles import Role, user_role


def visible_lab_ids(user) -> frozenset[int] | None:
    """The ids of the labs this user may see, or None for all labs. Cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_visible_lab_ids", False)
    if cached is not False:
        return cached
    if user_role(user) == Role.ADMIN or user.all_labs:
        ids = None
    else:
        ids = frozenset(user.labs.values_list("id", flat=True))
    user._visible_lab_ids = ids
    return ids


def scope(queryset: QuerySet, user) -> QuerySet:
    """Cut a queryset to what `user` may see."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    field = getattr(queryset.model, "scope_lab_field", None)
    if field is None:
        return queryset
    ids = visible_lab_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def can_see_lab(user, lab_id: int | None) -> bool:
    ids = visible_lab_ids(user)
    return ids is None or lab_id in ids


def forget_scope(user) -> None:
    """Drop the cached lab ids (after the user's labs change)."""
    if hasattr(user, "_visible_lab_ids"):
        del user._visible_lab_ids

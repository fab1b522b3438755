"""The one scoping function. Every queryset, form choice and export of lab-owned rows goes through it.

Models say how they belong to a lab with `scope_lab_field` (a lookup path to the lab id, or None for
vendor records, which are shared knowledge visible to everyone); a model whose rows concern several labs
at once (events) gives `scope_q(lab_ids)` instead.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vendorrisk.core.roles import Role, user_role


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
    model = queryset.model
    field = getattr(model, "scope_lab_field", None)
    custom = getattr(model, "scope_q", None)  # rows that concern several labs (events) say how
    if field is None and custom is None:
        return queryset
    ids = visible_lab_ids(user)
    if ids is None:
        return queryset
    if custom is not None:
        return queryset.filter(custom(ids))
    return queryset.filter(**{f"{field}__in": ids})


def can_see_lab(user, lab_id: int | None) -> bool:
    ids = visible_lab_ids(user)
    return ids is None or lab_id in ids


def lab_viewers_q(lab_ids) -> Q:
    """Users who may see at least one of `lab_ids` (ids or an id subquery): admins, all-labs users and
    the labs' members."""
    if not isinstance(lab_ids, QuerySet):
        lab_ids = list(lab_ids)
    return Q(role=Role.ADMIN) | Q(all_labs=True) | Q(labs__in=lab_ids)


def user_visible_users(user) -> QuerySet:
    """The users `user` may see (be told the name of, pick as owner or assessor): everyone for an admin or
    an all-labs user; otherwise the users who may see at least one of `user`'s labs, and `user`.

    The one definition: owner/assessor choices (API and forms) and every `owner_name`/`assessor_name` use it.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    if not getattr(user, "is_authenticated", False):
        return users.none()
    if user_role(user) == Role.ADMIN or user.all_labs:
        return users
    ids = getattr(user, "_visible_lab_ids", False)
    labs = user.labs.values("id") if ids is False else ids  # a subquery when the ids are not at hand
    return users.filter(pk__in=users.filter(lab_viewers_q(labs) | Q(pk=user.pk)).values("pk"))


def visible_user_ids(user) -> frozenset[int] | None:
    """Ids of `user_visible_users(user)`, or None for everyone. Cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_visible_user_ids", False)
    if cached is not False:
        return cached
    everyone = user_role(user) == Role.ADMIN or user.all_labs
    ids = None if everyone else frozenset(user_visible_users(user).values_list("pk", flat=True))
    user._visible_user_ids = ids
    return ids


def visible_username(viewer, person) -> str | None:
    """`person`'s username if `viewer` may see that user, else None (never another lab's people)."""
    if person is None:
        return None
    ids = visible_user_ids(viewer)
    return person.username if ids is None or person.pk in ids else None


def lab_viewers(lab_id: int) -> QuerySet:
    """The users who may see lab `lab_id` (owners of its engagements are chosen among them)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    return users.filter(pk__in=users.filter(lab_viewers_q([lab_id])).values("pk"))


def forget_scope(user) -> None:
    """Drop the cached lab and user ids (after the user's labs change)."""
    for name in ("_visible_lab_ids", "_visible_user_ids"):
        if hasattr(user, name):
            delattr(user, name)


# --- one cut for everything else that mentions labs ----------------------------------------------------
# Audit entries, history causes and 409 blocker lists are not querysets of lab-owned rows, but they name
# labs and lab-owned objects all the same. They pass through these helpers, which apply the same rule as
# `scope`: a value that names a lab outside the user's labs (or an object of such a lab) is redacted.

OTHER_LAB = "(another lab)"
# The lab of a lab-owned history cause written before causes carried their lab (no lab has id 0): such a
# cause is shown to all-labs users only.
UNATTRIBUTED_LAB = 0


def _lab_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def lab_in_scope(user, lab_id) -> bool:
    """Whether a lab id (an int, or the string an audit entry stores) is one of the user's labs."""
    ids = visible_lab_ids(user)
    return ids is None or _lab_id(lab_id) in ids


def cut_to_scope(user, items: Iterable, *, lab_of: Callable = lambda item: item.get("lab")) -> list:
    """The items that belong to no lab (shared knowledge) or to one of the user's labs."""
    ids = visible_lab_ids(user)
    if ids is None:
        return list(items)
    return [item for item in items if lab_of(item) is None or _lab_id(lab_of(item)) in ids]


def redact(user, value, *, lab_id):
    """`value` if it belongs to no lab or to one of the user's labs, else the redaction marker."""
    if lab_id is None or lab_in_scope(user, lab_id):
        return value
    return OTHER_LAB


@dataclass(frozen=True)
class ScopedCount:
    """Dependents of an object as a user may be told about them: all of them count toward refusing a
    change, but only those in the user's scope are counted and listed in what the user reads."""

    total: int
    count: int
    ids: list[int]

    def as_json(self) -> dict:
        return {"count": self.count, "ids": self.ids}


def scoped_count(queryset: QuerySet, user, *, max_ids: int = 100) -> ScopedCount:
    visible = scope(queryset, user)
    return ScopedCount(
        total=queryset.count(),
        count=visible.count(),
        ids=list(visible.order_by("pk").values_list("pk", flat=True)[:max_ids]),
    )

"""The four roles of DESIGN.md section 5 and what each may write."""

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    PROCUREMENT = "procurement", "Procurement"
    SECURITY = "security", "Security"
    ADMIN = "admin", "Admin"


PROCUREMENT_WRITERS = frozenset({Role.PROCUREMENT, Role.ADMIN})
SECURITY_WRITERS = frozenset({Role.SECURITY, Role.ADMIN})
ADMIN_ONLY = frozenset({Role.ADMIN})
AUDIT_READERS = frozenset({Role.SECURITY, Role.ADMIN})


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    # The role is the source of truth (User.save() makes is_superuser follow it).
    return user.role


def has_role(user, roles) -> bool:
    return user_role(user) in roles

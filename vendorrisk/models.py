"""Project-wide models: the user with a role and lab limits, and the timestamped base."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person or script. Non-admins see all labs only with `all_labs`; otherwise their `labs`."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    all_labs = models.BooleanField(
        default=False, help_text="Sees every lab. Admins always do; others only when this is set."
    )
    # The lab limits are Lab.members (vendors app), so this app does not depend on vendors.

    class Meta:
        ordering = ["id"]

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def save(self, *args, **kwargs):
        # The role is the one source of truth: admins (and only they) use the Django admin with full rights.
        if self.is_superuser:
            self.role = Role.ADMIN
        admin = self.role == Role.ADMIN
        self.is_staff = self.is_superuser = admin
        if admin:
            self.all_labs = True
        super().save(*args, **kwargs)

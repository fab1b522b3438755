"""Project-wide models: the user with a role and lab limits, and the timestamped base."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from .roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(DjangoUserManager):
    """`createsuperuser` makes an admin: the role, not the superuser flag, is what `save()` keeps."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        if extra_fields["role"] != Role.ADMIN:
            raise ValueError("A superuser has the admin role.")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person or script. Non-admins see all labs only with `all_labs`; otherwise their `labs`."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    all_labs = models.BooleanField(
        default=False, help_text="Sees every lab. Admins always do; others only when this is set."
    )
    # The lab limits are Lab.members (vendors app), so this app does not depend on vendors.

    objects = UserManager()

    class Meta:
        ordering = ["id"]

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    def save(self, *args, **kwargs):
        # The role is the one source of truth: admins (and only they) use the Django admin with full
        # rights. The Django flags follow it, never the other way round, so demoting an admin sticks.
        admin = self.role == Role.ADMIN
        self.is_staff = self.is_superuser = admin
        if admin:
            self.all_labs = True
        # set_password() leaves the raw password in _password until the save (a hash upgrade at sign-in
        # clears it first: not a change). Every path that changes a password ends here: the API, the
        # Django admin, Django's password-change views, `manage.py changepassword`.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.revoke_tokens()

    def revoke_tokens(self) -> int:
        """Delete every API token of this user. Sessions end by themselves: Django checks the session's
        password hash on every request (`update_session_auth_hash` keeps the one that made the change)."""
        from knox.models import AuthToken

        return AuthToken.objects.filter(user=self).delete()[0]

"""Project-wide models: the user with a role and lab limits, and the timestamped base."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from .core.roles import Role


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


class ImportJob(models.Model):
    """An admin import (vendorrisk/admin_imports.py) run as a background task: preview, then apply.

    The upload is kept through the storage API until the job is applied or fails. `read` counts the
    records done so far (`total` is the file's record count when it is cheap to know), `report` the
    importer's report of the last run.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    class Phase(models.TextChoices):
        PREVIEW = "preview", "Preview (dry run)"
        APPLY = "apply", "Import"

    kind = models.CharField(max_length=20)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PREVIEW)
    read = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    confirm_token = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        "vendorrisk.User", null=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Event(models.Model):
    """One domain event in the append-only outbox (DESIGN.md section 8), written by `core.events.record`
    in the transaction of the change it describes. Ids are commit-ordered (see `core.events`).

    `labs` are the lab ids the event concerns (empty for vendor-wide facts); `lab_links` holds the same ids
    as rows, for scoping. `dispatched_at` is set once the webhook fan-out has taken the event.
    """

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=64, db_index=True)
    occurred_at = models.DateTimeField(db_index=True)
    # No constraint, nothing cascades: an event keeps the id of an actor deleted since.
    actor = models.ForeignKey(
        "vendorrisk.User",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True, blank=True)
    labs = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Not stored: how the writing service described a bulk write ("{n} engagements imported"), handed to
    # the consumers with the rows it recorded (the score marks' cause); None for a single change.
    cause: str | None = None

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="vendorrisk_event_object_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.id}"

    @staticmethod
    def scope_q(lab_ids) -> models.Q:
        """Visible with at least one of `lab_ids`, or when it concerns no lab (the scoping function's rule
        for models owned by several labs at once)."""
        links = EventLab.objects.filter(event=models.OuterRef("pk"))
        return ~models.Exists(links) | models.Exists(links.filter(lab_id__in=lab_ids))


class EventLab(models.Model):
    """A lab an event concerns. A plain id, not a key: the event outlives the lab, and the kernel knows
    no lab model."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="lab_links")
    lab_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "lab_id"], name="vendorrisk_eventlab_unique")]
        indexes = [models.Index(fields=["lab_id", "event"], name="vendorrisk_eventlab_lab_idx")]

    def __str__(self) -> str:
        return f"event {self.event_id} concerns lab {self.lab_id}"

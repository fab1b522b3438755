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

"""Incidents at vendors, each lab's response, the timeline and regulator notifications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from vendorrisk.models import TimeStampedModel
from vendors.choices import DataCategory, Regime, Severity
from vendors.models import NAME_MAX, TEXT_MAX, Lab, Vendor
from vendors.validators import ChoiceListValidator

from .choices import (
    AttackVector,
    DataExposure,
    Decision,
    IncidentStatus,
    NotificationStage,
    NotificationStatus,
    YesNoUnknown,
    filing_name,
)


class Incident(TimeStampedModel):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="incidents")
    title = models.CharField(max_length=NAME_MAX)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED)
    attack_vector = models.CharField(
        max_length=20, choices=AttackVector.choices, default=AttackVector.UNKNOWN
    )
    data_exposure = models.CharField(max_length=20, choices=DataExposure.choices)
    data_categories_exposed = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(DataCategory.values)]
    )
    records_affected = models.PositiveBigIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField()
    vendor_confirmed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    source = models.CharField(
        max_length=20, blank=True, help_text="Where an imported incident came from (veris, hibp, hhs)."
    )
    external_id = models.CharField(max_length=200, blank=True, help_text="The record's id at its source.")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lab_field = None

    class Meta:
        ordering = ["-discovered_at", "-id"]
        indexes = [models.Index(fields=["vendor", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="incident_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=F("discovered_at")),
                name="incident_occurred_before_discovered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)

    @property
    def reference_time(self):
        """The incident's time for exposure: when it occurred, else when it was discovered."""
        return self.occurred_at or self.discovered_at

    def clean(self) -> None:
        errors = {}
        if self.occurred_at and self.discovered_at and self.occurred_at > self.discovered_at:
            errors["occurred_at"] = "An incident cannot occur after it was discovered."
        if self.resolved_at and self.resolved_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["resolved_at"] = "The resolution time cannot be in the future."
        if errors:
            raise ValidationError(errors)


class LabResponse(TimeStampedModel):
    # PROTECT: a lab's records never go with a shared incident (close the incident instead).
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="responses")
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="incident_responses")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    data_confirmed_exposed = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    aware_at = models.DateTimeField(null=True, blank=True, help_text="When the lab learned of the incident.")
    reason = models.TextField(max_length=TEXT_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    scope_lab_field = "lab"

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["incident", "lab"], name="lab_response_one_per_lab")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.incident_id})"

    def get_additional_data(self) -> dict:
        return {"lab": self.lab_id}


class IncidentUpdate(models.Model):
    """Append-only timeline entry. Every status change writes one."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    body = models.TextField(max_length=TEXT_MAX)
    status_from = models.CharField(max_length=20, choices=IncidentStatus.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=IncidentStatus.choices, blank=True)

    scope_lab_field = None

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Notification(TimeStampedModel):
    """One regulator notification a lab owes for an incident. Created and kept by the system."""

    # PROTECT: notifications are never deleted, not even with their incident (DESIGN.md section 1).
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notifications")
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="notifications")
    regime = models.CharField(max_length=10, choices=Regime.choices)
    stage = models.CharField(max_length=20, choices=NotificationStage.choices)
    due_at = models.DateTimeField()
    required = models.BooleanField(default=True, help_text="False once the notification no longer applies.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    warned_due_soon_at = models.DateTimeField(null=True, blank=True)
    warned_overdue_at = models.DateTimeField(null=True, blank=True)

    scope_lab_field = "lab"

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "lab", "regime", "stage"], name="notification_unique_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_regime_display()} {self.get_stage_display()}"

    def status_at(self, now) -> str:
        if self.submitted_at:
            return NotificationStatus.SUBMITTED
        if not self.required:
            return NotificationStatus.NOT_REQUIRED
        if now > self.due_at:
            return NotificationStatus.OVERDUE
        return NotificationStatus.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def filing_name(self) -> str:
        """E.g. "NIS2 early warning — 24 h": the regime and stage in the words of those who file them."""
        return filing_name(self.regime, self.stage)

    def get_additional_data(self) -> dict:
        return {"lab": self.lab_id}

from django.db import models
from django.db.models import Case, IntegerField, Value, When

from vendors.choices import Severity


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    INVESTIGATING = "investigating", "Investigating"
    CONTAINED = "contained", "Contained"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# Lowest (earliest) first; `rank_by` turns either into a sortable database expression.
STATUS_ORDER = [s.value for s in IncidentStatus]
SEVERITY_ORDER = [s.value for s in Severity]
OPEN_STATUSES = (IncidentStatus.REPORTED, IncidentStatus.INVESTIGATING, IncidentStatus.CONTAINED)
DONE_STATUSES = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


class AttackVector(models.TextChoices):
    SUPPLY_CHAIN = "supply_chain", "Supply chain"
    RANSOMWARE = "ransomware", "Ransomware"
    CREDENTIAL_THEFT = "credential_theft", "Credential theft"
    PHISHING = "phishing", "Phishing"
    INSIDER = "insider", "Insider"
    MISCONFIGURATION = "misconfiguration", "Misconfiguration"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class DataExposure(models.TextChoices):
    NONE = "none", "None"
    SUSPECTED = "suspected", "Suspected"
    CONFIRMED = "confirmed", "Confirmed"


class Decision(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    CONTINUE = "continue", "Continue working"
    HALT = "halt", "Halt work"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class NotificationStage(models.TextChoices):
    REPORT = "report", "Report"
    EARLY_WARNING = "early_warning", "Early warning"
    NOTIFICATION = "notification", "Notification"
    FINAL_REPORT = "final_report", "Final report"
    INITIAL = "initial", "Initial"
    INTERMEDIATE = "intermediate", "Intermediate"
    FINAL = "final", "Final"
    FORM_8K = "form_8k", "Form 8-K"
    NOTICE = "notice", "Notice"


class NotificationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    NOT_REQUIRED = "not_required", "Not required"
    OVERDUE = "overdue", "Overdue"
    PENDING = "pending", "Pending"


# Each filing as the people who file it call it, with its clock (DESIGN.md, Notification).
FILING_NAMES = {
    ("gdpr", "report"): "GDPR breach report — 72 h",
    ("nis2", "early_warning"): "NIS2 early warning — 24 h",
    ("nis2", "notification"): "NIS2 incident notification — 72 h",
    ("nis2", "final_report"): "NIS2 final report — 1 month",
    ("dora", "initial"): "DORA initial notification — 24 h",
    ("dora", "intermediate"): "DORA intermediate report — 72 h",
    ("dora", "final"): "DORA final report — 1 month",
    ("sec", "form_8k"): "SEC Form 8-K — 4 business days",
    ("hipaa", "notice"): "HIPAA breach notice — 60 days",
}


def filing_name(regime: str, stage: str) -> str:
    return FILING_NAMES.get((regime, stage)) or f"{regime.upper()} {stage.replace('_', ' ')}"


def rank_by(field: str, order: list[str]) -> Case:
    """`field`'s place in `order` (0 for the first) as an annotation; a value outside `order` ranks null."""
    return Case(
        *(When(**{field: value}, then=Value(k)) for k, value in enumerate(order)), output_field=IntegerField()
    )


def status_move_allowed(old: str, new: str) -> bool:
    """Forward moves (skipping allowed), or reopening a resolved/closed incident to investigating."""
    if old == new:
        return True
    if old in DONE_STATUSES and new == IncidentStatus.INVESTIGATING:
        return True
    return STATUS_ORDER.index(new) > STATUS_ORDER.index(old)

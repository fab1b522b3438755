"""What this app's events carry: each object's API representation after the change (DESIGN.md section 8).

Built from the models (services may not import the API); `tests/events/test_payloads.py` pins each
field list to its serializer's fields. Left out: names of users (`assessor_name`, `owner_name`), which
the API shows only to readers who may see that user. Assessments and findings are facts about a vendor:
their events concern no lab in particular.
"""

from __future__ import annotations

from collections.abc import Sequence

from vendorrisk.core.event_data import plain
from vendorrisk.core.events import NewEvent

from .models import Assessment, Finding

ASSESSMENT_FIELDS = [
    "id",
    "vendor",
    "questionnaire",
    "status",
    "assessor",
    "completed_at",
    "valid_until",
    "score",
    "rating",
    "notes",
    "created_at",
    "updated_at",
]
FINDING_FIELDS = [
    "id",
    "assessment",
    "title",
    "description",
    "severity",
    "status",
    "owner",
    "due_on",
    "created_at",
    "updated_at",
]


def assessment_data(assessment: Assessment) -> dict:
    return plain(
        assessment,
        ASSESSMENT_FIELDS,
        vendor_name=assessment.vendor.name,
        questionnaire_name=str(assessment.questionnaire),
    )


def finding_data(finding: Finding) -> dict:
    vendor = finding.assessment.vendor
    return plain(finding, FINDING_FIELDS, vendor=vendor.pk, vendor_name=vendor.name)


def assessment_events(kind: str, assessments: Sequence[Assessment], changes: Sequence[dict] | None = None):
    return [
        NewEvent(f"assessment.{kind}", "assessment", a.pk, (), assessment_data(a), changes and changes[i])
        for i, a in enumerate(assessments)
    ]


def finding_events(kind: str, findings: Sequence[Finding], changes: Sequence[dict] | None = None):
    return [
        NewEvent(f"finding.{kind}", "finding", x.pk, (), finding_data(x), changes and changes[i])
        for i, x in enumerate(findings)
    ]

"""What this app's events carry: each object's API representation after the change (DESIGN.md section 8).

Built from the models (services may not import the API); `tests/events/test_payloads.py` pins each
field list to its serializer's fields. Left out: names of users (`assessor_name`, `owner_name`), which
the API shows only to readers who may see that user. Assessments, their answers and evidence, findings
and questionnaires are facts about a vendor (or about no one): their events concern no lab in particular.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from vendorrisk.core.event_data import plain
from vendorrisk.core.events import NewEvent

from .models import Answer, Assessment, Evidence, Finding, Questionnaire

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
QUESTIONNAIRE_FIELDS = ["id", "name", "version", "source", "description", "created_at", "updated_at"]
EVIDENCE_FIELDS = [
    "id",
    "assessment",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "expires_on",
    "uploaded_by",
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


def questionnaire_data(questionnaire: Questionnaire) -> dict:
    return plain(questionnaire, QUESTIONNAIRE_FIELDS, question_count=questionnaire.questions.count())


def questionnaire_event(kind: str, questionnaire: Questionnaire, changes: dict | None = None) -> NewEvent:
    data = questionnaire_data(questionnaire)
    return NewEvent(f"questionnaire.{kind}", "questionnaire", questionnaire.pk, (), data, changes)


def answers_recorded_event(assessment: Assessment, answers: Sequence[Answer]) -> NewEvent:
    """One `assessment.answers_recorded` for a save of several answers: the assessment after it, and the
    answers that save created or changed (as the answers endpoint shows them)."""
    saved = [
        {"question": a.question_id, "code": a.question.code, "response": a.response, "comment": a.comment}
        for a in answers
    ]
    return NewEvent(
        "assessment.answers_recorded",
        "assessment",
        assessment.pk,
        (),
        {**assessment_data(assessment), "answers": saved},
    )


def evidence_event(kind: str, evidence: Evidence) -> NewEvent:
    path = reverse(
        "assessment-evidence-download", kwargs={"pk": evidence.assessment_id, "evidence_id": evidence.pk}
    )
    data = plain(
        evidence,
        EVIDENCE_FIELDS,
        expired=evidence.expires_on is not None and evidence.expires_on < timezone.localdate(),
        download_url=path,
    )
    return NewEvent(f"evidence.{kind}", "evidence", evidence.pk, (), data)

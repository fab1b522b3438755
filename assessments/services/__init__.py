"""Writes for the assessments app, one module per concern. The names callers use are re-exported here, so
`from assessments import services` keeps working: `services.assessment_complete(...)`."""

from ..questionnaire import applicable_questions, assessment_score, rating_for
from .assessments import (
    answers_put,
    assessment_complete,
    assessment_create,
    assessment_delete,
    assessment_update,
    default_valid_until,
)
from .evidence import EVIDENCE_TYPES, evidence_delete, evidence_upload
from .expiry import announce_expired_assessments, announce_overdue_findings
from .findings import finding_create, finding_delete, finding_update
from .plans import what_if_plan_delete, what_if_plan_save
from .questionnaires import questionnaire_create, questionnaire_delete, questionnaire_update
from .reminders import REMINDER_DAYS, assessment_send_reminders

__all__ = [
    "EVIDENCE_TYPES",
    "what_if_plan_delete",
    "what_if_plan_save",
    "REMINDER_DAYS",
    "announce_expired_assessments",
    "announce_overdue_findings",
    "answers_put",
    "applicable_questions",
    "assessment_complete",
    "assessment_create",
    "assessment_delete",
    "assessment_score",
    "assessment_send_reminders",
    "assessment_update",
    "default_valid_until",
    "evidence_delete",
    "evidence_upload",
    "finding_create",
    "finding_delete",
    "finding_update",
    "questionnaire_create",
    "questionnaire_delete",
    "questionnaire_update",
    "rating_for",
]

"""Facts that become true with time, announced once each as events by a daily beat task:
`assessment.expired` when a completed assessment's validity ends, `finding.overdue` when an open finding
passes its due date. Once each: an assessment (a finding, for its current due date) already announced in
the outbox is skipped, so a missed day is caught up and a re-run announces nothing twice."""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vendorrisk.core import events
from vendorrisk.models import Event

from ..choices import OPEN_FINDING_STATUSES, AssessmentStatus
from ..events import assessment_events, finding_events
from ..models import Assessment, Finding


def _announced(event_type: str, object_type: str) -> Exists:
    return Exists(Event.objects.filter(type=event_type, object_type=object_type, object_id=OuterRef("pk")))


@transaction.atomic
def announce_expired_assessments(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    expired = list(
        Assessment.objects.filter(status=AssessmentStatus.COMPLETED, valid_until__lt=today)
        .exclude(_announced("assessment.expired", "assessment"))
        .select_related("vendor", "questionnaire")
        .order_by("id")
    )
    events.record_many(assessment_events("expired", expired), actor=None)
    return len(expired)


@transaction.atomic
def announce_overdue_findings(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    candidates = list(
        Finding.objects.filter(status__in=OPEN_FINDING_STATUSES, due_on__lt=today)
        .select_related("assessment__vendor")
        .order_by("id")
    )
    # A finding whose due date moved later and passed again is overdue anew: keyed by its due date.
    announced = set(
        Event.objects.filter(
            Q(type="finding.overdue", object_type="finding"),
            object_id__in=[x.pk for x in candidates],
        ).values_list("object_id", "data__due_on")
    )
    overdue = [x for x in candidates if (x.pk, x.due_on.isoformat()) not in announced]
    events.record_many(finding_events("overdue", overdue), actor=None)
    return len(overdue)

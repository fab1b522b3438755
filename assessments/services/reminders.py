"""Expiry reminders: email the security team once per threshold before a completed assessment expires."""

import logging
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from vendorrisk.core.roles import Role

from ..choices import AssessmentStatus
from ..models import Assessment

logger = logging.getLogger(__name__)

REMINDER_DAYS = (30, 7, 1)


def _reminder_recipients() -> list[str]:
    users = get_user_model().objects.filter(role=Role.SECURITY, is_active=True).exclude(email="")
    emails = set(settings.VENDORRISK_ALERT_EMAILS) | set(users.values_list("email", flat=True))
    return sorted(emails, key=str.lower)


def assessment_send_reminders(*, today: date | None = None) -> int:
    """Email once per (assessment, threshold) when a completed assessment is 30, 7 or 1 days from expiry.

    A run that was missed is caught up the next day (the reminder due is the smallest threshold at or
    above the days left); an assessment already renewed by a later-valid one of the same vendor is skipped.
    Returns the number of reminders sent.
    """
    today = today or timezone.localdate()
    renewed = Assessment.objects.filter(
        vendor_id=OuterRef("vendor_id"),
        status=AssessmentStatus.COMPLETED,
        valid_until__gt=OuterRef("valid_until"),
    )
    sent = 0
    with transaction.atomic():
        candidates = list(
            Assessment.objects.filter(
                status=AssessmentStatus.COMPLETED,
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=max(REMINDER_DAYS)),
            )
            .exclude(Exists(renewed))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("vendor", "questionnaire")
            .order_by("valid_until", "id")
        )
        recipients = _reminder_recipients() if candidates else []
        for assessment in candidates:
            days_left = (assessment.valid_until - today).days
            threshold = min(t for t in REMINDER_DAYS if t >= days_left)
            done = set(assessment.reminders_sent or [])
            if threshold in done:
                continue
            if not recipients:
                logger.warning("No recipients for the reminder of assessment %s", assessment.id)
            else:
                day_word = "day" if days_left == 1 else "days"
                when = "today" if days_left == 0 else f"in {days_left} {day_word}"
                # After the commit: a rolled-back run (its stamps lost) sends nothing.
                transaction.on_commit(
                    partial(
                        send_mail,
                        f"Assessment of {assessment.vendor.name} expires {when}",
                        "\n".join(
                            [
                                f"The assessment of {assessment.vendor.name} against {assessment.questionnaire} "
                                f"(assessment {assessment.id}, rated {assessment.get_rating_display().lower()}, "
                                f"score {assessment.score}) is valid until {assessment.valid_until.isoformat()}.",
                                "",
                                "Once it expires the vendor's likelihood falls back to that of an unassessed "
                                "vendor. Start a new assessment to renew it.",
                            ]
                        ),
                        settings.DEFAULT_FROM_EMAIL,
                        recipients,
                    )
                )
                sent += 1
            # Larger thresholds are behind us too: never send a 30-day reminder after the 7-day one.
            done |= {t for t in REMINDER_DAYS if t >= threshold}
            Assessment.objects.filter(pk=assessment.pk).update(reminders_sent=sorted(done, reverse=True))
    return sent

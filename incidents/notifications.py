"""Regulator notifications (DESIGN.md section 1, Notification): which are owed, when, and the warnings.

One row per (incident, exposed lab, regime of that lab, stage), kept in step by `sync_notifications`
whenever the incident, a lab's exposure or a lab's regimes change. Rows are never deleted: one that no
longer applies gets `required=False` and reads as `not_required`. The deadline arithmetic is pure
(`due_times`), so it is tested without a database.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vendorrisk.core import events
from vendorrisk.core.dates import add_months
from vendorrisk.core.event_data import changes_of
from vendorrisk.core.roles import Role
from vendorrisk.core.services import model_create, model_update
from vendors.choices import DataCategory, Regime
from vendors.graph_queries import vendors_downstream
from vendors.models import Engagement, Lab

from .choices import OPEN_STATUSES, DataExposure
from .choices import NotificationStage as Stage
from .events import notification_events
from .impact import ExposureWorld, exposures
from .models import Incident, LabResponse, Notification

logger = logging.getLogger(__name__)

NEW_YORK = ZoneInfo("America/New_York")
DUE_SOON = dt.timedelta(hours=12)
# Lab and engagement changes re-check open incidents and those of the last year, not all history.
RECENT = dt.timedelta(days=365)
PERSONAL_DATA_REGIMES = frozenset({Regime.GDPR, Regime.HIPAA})
AWARENESS = "awareness"


@dataclass(frozen=True)
class Months:
    n: int


@dataclass(frozen=True)
class FederalBusinessDays:
    """End of the n-th US federal business day after the start, in New York (SEC Form 8-K, Item 1.05)."""

    n: int


# regime -> [(stage, counted from: AWARENESS or an earlier stage of the regime, offset)]
SCHEDULE: dict[str, list[tuple[str, str, dt.timedelta | Months | FederalBusinessDays]]] = {
    Regime.GDPR: [(Stage.REPORT, AWARENESS, dt.timedelta(hours=72))],
    Regime.NIS2: [
        (Stage.EARLY_WARNING, AWARENESS, dt.timedelta(hours=24)),
        (Stage.NOTIFICATION, AWARENESS, dt.timedelta(hours=72)),
        (Stage.FINAL_REPORT, Stage.NOTIFICATION, Months(1)),
    ],
    Regime.DORA: [
        (Stage.INITIAL, AWARENESS, dt.timedelta(hours=24)),
        (Stage.INTERMEDIATE, Stage.INITIAL, dt.timedelta(hours=72)),
        (Stage.FINAL, Stage.INTERMEDIATE, Months(1)),
    ],
    Regime.SEC: [(Stage.FORM_8K, AWARENESS, FederalBusinessDays(4))],
    Regime.HIPAA: [(Stage.NOTICE, AWARENESS, dt.timedelta(days=60))],
}


# --- deadline arithmetic (pure) --------------------------------------------------------------------


@lru_cache(maxsize=64)
def _us_federal_holidays(year: int) -> frozenset[dt.date]:
    # The public category of the US calendar is the federal holidays, with their observed days.
    return frozenset(holidays.country_holidays("US", years=year))


def is_us_federal_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _us_federal_holidays(day.year)


def federal_business_day_deadline(start: dt.datetime, n: int) -> dt.datetime:
    """23:59:59 New York time on the n-th US federal business day after `start`'s New York date."""
    day = start.astimezone(NEW_YORK).date()
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_us_federal_business_day(day):
            counted += 1
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=NEW_YORK).astimezone(dt.UTC)


# Deadlines saturate inside what every backend and time zone can hold: a start stored before the input
# bound existed (9999-12-31T23:59:59Z) must give a far deadline, never an OverflowError in some later write.
EARLIEST_START = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST_DEADLINE = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _apply(offset, start: dt.datetime) -> dt.datetime:
    start = min(max(start, EARLIEST_START), LATEST_DEADLINE)
    try:
        if isinstance(offset, Months):
            due = add_months(start.astimezone(dt.UTC), offset.n)  # calendar months in UTC
        elif isinstance(offset, FederalBusinessDays):
            due = federal_business_day_deadline(start, offset.n)
        else:
            due = start + offset
    except (OverflowError, ValueError):  # past year 9999 (date arithmetic, or holidays of year 10000)
        return LATEST_DEADLINE
    return min(due, LATEST_DEADLINE)


def due_times(
    regime: str, awareness: dt.datetime, submitted: Mapping[str, dt.datetime | None] | None = None
) -> dict[str, dt.datetime]:
    """Stage -> due time. A stage counted from an earlier one starts at its submission, else its due time."""
    submitted = submitted or {}
    due: dict[str, dt.datetime] = {}
    for stage, base, offset in SCHEDULE[regime]:
        start = awareness if base == AWARENESS else submitted.get(base) or due[base]
        due[stage] = _apply(offset, start)
    return due


# --- keeping the rows in step ------------------------------------------------------------------------


def awareness_of(incident: Incident, aware_at: dt.datetime | None) -> dt.datetime:
    """When a lab's clock starts: its own awareness, else the vendor's confirmation, else discovery."""
    return aware_at or incident.vendor_confirmed_at or incident.discovered_at


def wanted_notifications(
    incident: Incident,
    existing: Mapping[tuple[int, str, str], Notification],
    world: ExposureWorld | None = None,
) -> dict[tuple[int, str, str], dt.datetime]:
    """(lab id, regime, stage) -> due time for every notification the incident requires now (`world`:
    with the exposure judged in that state of the graph and engagements, as a what-if plan would leave it)."""
    if incident.data_exposure == DataExposure.NONE:
        return {}
    by_lab: dict[int, list] = defaultdict(list)
    for exposure in exposures(incident, world):
        by_lab[exposure.engagement.lab_id].append(exposure)
    if not by_lab:
        return {}
    # An incident that is only planned (assessments.whatif) has no responses yet.
    responses = LabResponse.objects.filter(incident=incident, lab_id__in=by_lab) if incident.pk else ()
    aware = dict(responses.values_list("lab_id", "aware_at")) if responses else {}
    wanted = {}
    for lab_id, lab_exposures in by_lab.items():
        lab = lab_exposures[0].engagement.lab
        personal = any(DataCategory.PERSONAL_DATA in x.engagement.data_categories for x in lab_exposures)
        awareness = awareness_of(incident, aware.get(lab_id))
        for regime in Regime.values:
            if regime not in lab.regimes or (regime in PERSONAL_DATA_REGIMES and not personal):
                continue
            submitted = {
                stage: row.submitted_at
                for (row_lab, row_regime, stage), row in existing.items()
                if row_lab == lab_id and row_regime == regime
            }
            for stage, due in due_times(regime, awareness, submitted).items():
                wanted[(lab_id, regime, stage)] = due
    return wanted


@transaction.atomic
def sync_notifications(incident: Incident) -> None:
    """Create, re-time or retire (required=False) the incident's notification rows. Never deletes."""
    # Locking the incident serialises concurrent syncs of it (one row per key, no lost updates).
    incident = Incident.objects.select_for_update().filter(pk=incident.pk).first()
    if incident is None:
        return
    existing = {(n.lab_id, n.regime, n.stage): n for n in Notification.objects.filter(incident=incident)}
    wanted = wanted_notifications(incident, existing)
    now = timezone.now()
    created, updated, changes_made = [], [], []
    for (lab_id, regime, stage), due in wanted.items():
        row = existing.get((lab_id, regime, stage))
        if row is None:
            created.append(
                model_create(
                    Notification,
                    actor=None,
                    data={
                        "incident": incident,
                        "lab_id": lab_id,
                        "regime": regime,
                        "stage": stage,
                        "due_at": due,
                    },
                )
            )
            continue
        changes: dict = {}
        if not row.required:
            changes["required"] = True
        if due != row.due_at:
            changes["due_at"] = due
            # A deadline that moved later deserves its warnings again.
            if row.warned_due_soon_at and due > now + DUE_SOON:
                changes["warned_due_soon_at"] = None
            if row.warned_overdue_at and due > now:
                changes["warned_overdue_at"] = None
        if changes:
            _, old = model_update(row, actor=None, data=changes)
            updated.append(row)
            changes_made.append(changes_of(old, row))
    for key, row in existing.items():
        if key not in wanted and row.required:
            _, old = model_update(row, actor=None, data={"required": False})
            updated.append(row)
            changes_made.append(changes_of(old, row))
    for row in [*created, *updated]:
        row.incident = incident  # loaded already: the payloads need its title
    events.record_many(
        notification_events("created", created) + notification_events("updated", updated, changes_made),
        actor=None,
    )


def incidents_worth_resync(vendor_ids: Iterable[int]):
    """The incidents at these vendors that a change of exposure re-checks: data exposed (or suspected),
    and open or of the last year. The one rule of the real resyncs and of a what-if plan's clocks."""
    recent = timezone.now() - RECENT
    return (
        Incident.objects.filter(vendor_id__in=vendor_ids)
        .exclude(data_exposure=DataExposure.NONE)
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=recent) | Q(discovered_at__gte=recent))
    )


def incidents_to_resync(
    *, lab_id: int, vendor_ids: Iterable[int], has_regimes: bool | None = None
) -> list[Incident]:
    """Incidents a change of this lab's exposure may affect: those at vendors its data reaches (open or
    recent, with data exposed), and those that already owe it a notification (to retire rows). A lab under
    no regime owes nothing new, so only the rows it still owes are re-checked (`has_regimes`: known by the
    caller, else read)."""
    if has_regimes is None:
        has_regimes = bool(Lab.objects.filter(pk=lab_id).values_list("regimes", flat=True).first())
    reach = vendors_downstream(vendor_ids) if vendor_ids and has_regimes else set()
    reached = incidents_worth_resync(reach)
    owing = Incident.objects.filter(notifications__lab_id=lab_id, notifications__required=True)
    ids = set(reached.values_list("id", flat=True)) | set(owing.values_list("id", flat=True))
    return list(Incident.objects.filter(id__in=ids).order_by("id"))


def sync_for_lab(lab: Lab) -> None:
    """A lab's regimes changed (vendors.services.LAB_CHANGE_HOOKS)."""
    vendor_ids = set(Engagement.objects.filter(lab_id=lab.id).values_list("vendor_id", flat=True).distinct())
    for incident in incidents_to_resync(lab_id=lab.id, vendor_ids=vendor_ids):
        sync_notifications(incident)


def sync_for_engagement(engagement: Engagement) -> None:
    """An engagement was created, changed or deleted (vendors.services.ENGAGEMENT_CHANGE_HOOKS)."""
    for incident in incidents_to_resync(lab_id=engagement.lab_id, vendor_ids={engagement.vendor_id}):
        sync_notifications(incident)


# --- deadline warnings (the beat task) -----------------------------------------------------------------


def _recipients_by_lab(lab_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The alert addresses plus the security users who can see each lab."""
    users = get_user_model().objects.filter(role=Role.SECURITY, is_active=True).exclude(email="")
    everywhere = set(users.filter(all_labs=True).values_list("email", flat=True))
    members = Lab.members.through.objects.filter(
        lab_id__in=lab_ids,
        user__role=Role.SECURITY,
        user__is_active=True,
        user__all_labs=False,
    ).exclude(user__email="")
    per_lab: dict[int, set[str]] = defaultdict(set)
    for lab_id, email in members.values_list("lab_id", "user__email"):
        per_lab[lab_id].add(email)
    base = set(settings.VENDORRISK_ALERT_EMAILS) | everywhere
    return {lab_id: tuple(sorted(base | per_lab[lab_id], key=str.lower)) for lab_id in lab_ids}


def _line(row: Notification) -> str:
    due = row.due_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"- {row.lab.name}: {row.get_regime_display()} {row.get_stage_display().lower()} for incident "
        f"{row.incident_id} “{row.incident.title}”, due {due} (notification {row.id})"
    )


def _warn(queryset, *, stamp: str, kind: str, subject: str, intro: str, now: dt.datetime) -> int:
    """Email each candidate row once, grouped by who may read it, and stamp it, with a
    `notification.<kind>` event per row. Returns rows warned. The mail leaves after the commit: a
    rolled-back warning (a stamp that did not stick) sends nothing."""
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident", "lab")
            .order_by("due_at", "id")
        )
        if not rows:
            return 0
        recipients = _recipients_by_lab({r.lab_id for r in rows})
        groups: dict[tuple[str, ...], list[Notification]] = defaultdict(list)
        for row in rows:
            groups[recipients[row.lab_id]].append(row)
        for to, group in groups.items():
            if not to:
                # Nobody to tell now is no reason to tell later: the row still reads as due/overdue.
                logger.warning("No recipients for %s notification warnings", len(group))
                continue
            body = "\n".join(
                [intro, "", *(_line(r) for r in group), "", "Record each submission on its notification."]
            )
            transaction.on_commit(
                partial(
                    send_mail,
                    subject.format(n=len(group), s="" if len(group) == 1 else "s"),
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    list(to),
                )
            )
        Notification.objects.filter(id__in=[r.id for r in rows]).update(**{stamp: now})
        for row in rows:
            setattr(row, stamp, now)
        events.record_many(notification_events(kind, rows), actor=None)
        return len(rows)


def warn_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn once about required, unsubmitted notifications due within 12 hours, and once when overdue."""
    now = now or timezone.now()
    open_rows = Notification.objects.filter(required=True, submitted_at__isnull=True)
    overdue = _warn(
        open_rows.filter(warned_overdue_at__isnull=True, due_at__lt=now),
        stamp="warned_overdue_at",
        kind="overdue",
        subject="{n} regulator notification{s} overdue",
        intro="These regulator notifications are past their deadline and not recorded as submitted:",
        now=now,
    )
    due_soon = _warn(
        open_rows.filter(warned_due_soon_at__isnull=True, due_at__gte=now, due_at__lte=now + DUE_SOON),
        stamp="warned_due_soon_at",
        kind="due_soon",
        subject="{n} regulator notification{s} due within 12 hours",
        intro="These regulator notifications are due within 12 hours and not recorded as submitted:",
        now=now,
    )
    return {"due_soon": due_soon, "overdue": overdue}


def sync_for_dependency(vendor_id: int, depends_on_id: int) -> None:
    """A data-sharing edge A → B changed (vendors.services.DEPENDENCY_CHANGE_HOOKS): labs upstream of A
    may now reach incidents at B and beyond, or no longer."""
    reach = vendors_downstream({depends_on_id}) | {vendor_id}
    incidents = incidents_worth_resync(reach).order_by("id")
    for incident in incidents:
        sync_notifications(incident)

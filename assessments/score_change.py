"""What a write did to the scores it feeds: the vendor's score and the lab's concentration before and after,
with the causes in names the reader may see.

"Before" is the last history row written before the write began (history rows are written only when a
value changes, so that row holds the value the write started from); "after" is the current row, once no
dirty mark is left for the vendor or the lab. Until then the change is pending and the page polls.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from vendorrisk.core.scoping import scope
from vendors.models import Engagement, ScoreMark
from vendors.selectors import lab_list, vendor_names

from .cause_names import named_causes
from .models import LabConcentration, LabConcentrationHistory, VendorScore, VendorScoreHistory

MAX_CAUSE_ROWS = 5


@dataclass
class Move:
    """One score's move: `before`/`after` are (value, band) or None (not scored then)."""

    kind: str  # "vendor" or "lab"
    name: str
    href: str
    before: tuple | None
    after: tuple | None
    causes: list[dict] = field(default_factory=list)
    previous: bool = False  # the vendor or lab the engagement was moved away from

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def band_changed(self) -> bool:
        return self.before is not None and self.after is not None and self.before[1] != self.after[1]


@dataclass
class ScoreChange:
    engagement: Engagement
    since: dt.datetime
    pending: bool
    moves: list[Move] = field(default_factory=list)


def score_change(
    user,
    engagement: Engagement,
    since: dt.datetime,
    *,
    from_vendor: int | None = None,
    from_lab: int | None = None,
) -> ScoreChange:
    """How `engagement`'s vendor score and lab concentration moved since `since`, as `user` may see it.

    `from_vendor` / `from_lab`: the vendor or lab an edit moved the engagement away from (their scores
    moved too); a lab outside the user's labs is left out, never named."""
    vendors = [(engagement.vendor_id, engagement.vendor.name, False)]
    labs = [(engagement.lab_id, engagement.lab.name, False)]
    if from_vendor is not None and from_vendor != engagement.vendor_id:
        name = vendor_names([from_vendor]).get(from_vendor)
        if name is not None:
            vendors.append((from_vendor, name, True))
    if from_lab is not None and from_lab != engagement.lab_id:
        name = lab_list(user=user).filter(pk=from_lab).values_list("name", flat=True).first()
        if name is not None:
            labs.append((from_lab, name, True))
    marks = ScoreMark.objects.filter(
        Q(kind=ScoreMark.Kind.VENDOR, object_id__in=[v[0] for v in vendors])
        | Q(kind=ScoreMark.Kind.LAB, object_id__in=[lab[0] for lab in labs])
    )
    change = ScoreChange(engagement=engagement, since=since, pending=marks.exists())
    if change.pending:
        return change
    found = []
    for vendor_id, name, previous in vendors:
        now = VendorScore.objects.filter(vendor_id=vendor_id).values_list("score", "band").first()
        before, rows = _history(
            scope(VendorScoreHistory.objects.filter(vendor_id=vendor_id), user), since, ("score", "band")
        )
        found.append(("vendor", name, f"/vendors/{vendor_id}/", before, rows, now, previous))
    for lab_id, name, previous in labs:
        now = scope(LabConcentration.objects.filter(lab_id=lab_id), user).values_list("hhi", "band").first()
        before, rows = _history(
            scope(LabConcentrationHistory.objects.filter(lab_id=lab_id), user), since, ("hhi", "band")
        )
        found.append(("lab", name, f"/labs/{lab_id}/", before, rows, now, previous))
    named_causes(user, [row for item in found for row in item[4]])
    change.moves = [
        Move(kind, name, href, _before(before, rows, now), now, _causes(rows), previous)
        for kind, name, href, before, rows, now, previous in found
    ]
    return change


def _history(queryset, since, fields) -> tuple[tuple | None, list]:
    """(the last value before `since`, the history rows written since, newest first)."""
    ordered = queryset.order_by("-computed_at", "-id")
    before = ordered.filter(computed_at__lt=since).values_list(*fields).first()
    rows = list(ordered.filter(computed_at__gte=since).only("id", "causes", "computed_at")[:MAX_CAUSE_ROWS])
    return before, rows


def _before(before, rows, now):
    """No history row since the write: nothing moved, whatever older rows say (a rebuild may skip them)."""
    return now if not rows else before


def _causes(rows) -> list[dict]:
    """The rows' causes, each once, oldest first."""
    seen, out = set(), []
    for row in reversed(rows):
        for cause in row.visible_causes:
            key = tuple(sorted(cause.items()))
            if key not in seen:
                seen.add(key)
                out.append(cause)
    return out

"""The state of one load: the reference times, the actor, and the rows made so far, by scenario key."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from assessments import recompute

from .scenario import SEED
from .upsert import DemoSummary

SETUP_DAYS_AGO = 70  # labs, vendors and engagements were in place 10 weeks ago, before any assessment


@dataclass
class World:
    today: date
    now: datetime
    summary: DemoSummary = field(default_factory=DemoSummary)
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    admin: object = None
    users: dict = field(default_factory=dict)
    labs: dict = field(default_factory=dict)
    vendors: dict = field(default_factory=dict)
    incidents: dict = field(default_factory=dict)
    questionnaire: object = None
    assessments: dict = field(default_factory=dict)

    @classmethod
    def starting(cls, today: date | None = None) -> "World":
        now = datetime.now(UTC)
        return cls(today=today or now.date(), now=now)

    def day(self, offset: int | None) -> date | None:
        """The day `offset` days from today (None stays None)."""
        return None if offset is None else self.today + timedelta(days=offset)

    def settle(self, at: datetime) -> None:
        """Recompute what the records loaded so far changed, stored as computed at `at` (when the story
        says it happened), so score history spreads over the past weeks instead of all at load time.
        A re-run that changes nothing leaves no mark and writes no history."""
        recompute.drain_all(stamp=at)

    def hours_ago(self, hours: int) -> datetime:
        """`hours` before today 09:00 UTC, and at least a minute in the past (times may not be future)."""
        anchor = datetime.combine(self.today, time(9, 0), tzinfo=UTC)
        return min(anchor - timedelta(hours=hours), self.now - timedelta(minutes=1))

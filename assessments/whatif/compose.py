"""Plain-words changes of the planning page, turned into the changes of DESIGN.md section 9.

"Replace vendor X by Y for lab L", "end every engagement with X" and "what if X is breached tomorrow"
expand to the same update / create changes a script would send, so the page and the API run one engine.
"""

import copy
import json
import re
from datetime import date, datetime, timedelta

from vendors.choices import EngagementStatus
from vendors.selectors import engagement_list

OPEN_ENGAGEMENTS = (EngagementStatus.PROPOSED, EngagementStatus.ACTIVE, EngagementStatus.SUSPENDED)


def next_ref(changes: list) -> str:
    used = [
        int(m.group(1))
        for c in changes
        if isinstance(c, dict) and (m := re.match(r"^new:(\d+)$", str(c.get("ref", ""))))
    ]
    return f"new:{max(used, default=0) + 1}"


def replace_vendor(*, user, lab, old_vendor, new_vendor) -> list[dict]:
    """Move the lab's open engagements with one vendor to another."""
    rows = engagement_list(user=user).filter(lab=lab, vendor=old_vendor, status__in=OPEN_ENGAGEMENTS)
    return [
        {"op": "update", "object": "engagement", "id": pk, "fields": {"vendor": new_vendor.id}}
        for pk in rows.order_by("id").values_list("id", flat=True)
    ]


def end_engagements(*, user, lab, vendor, today: date) -> list[dict]:
    """End the lab's open engagements with the vendor today (their data stays exposed until disposal)."""
    rows = engagement_list(user=user).filter(lab=lab, vendor=vendor, status__in=OPEN_ENGAGEMENTS)
    return [
        {
            "op": "update",
            "object": "engagement",
            "id": pk,
            "fields": {"status": EngagementStatus.ENDED, "end_date": max(today, start).isoformat()},
        }
        for pk, start in rows.order_by("id").values_list("id", "start_date")
    ]


def breach(*, vendor, ref: str, now: datetime) -> dict:
    """A critical incident at the vendor, discovered tomorrow, data exposure suspected."""
    return {
        "op": "create",
        "object": "incident",
        "ref": ref,
        "fields": {
            "vendor": vendor.id,
            "title": f"What if {vendor.name} is breached",
            "severity": "critical",
            "status": "reported",
            "data_exposure": "suspected",
            "discovered_at": (now + timedelta(days=1)).isoformat(),
        },
    }


def parse_changes(text: str) -> list:
    """The changes box: a JSON list (an empty box is an empty plan). Raises ValueError in plain words."""
    if not text.strip():
        return []
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"The changes are not valid JSON (line {exc.lineno}, column {exc.colno}).") from None
    if isinstance(value, dict) and "changes" in value:
        value = value["changes"]
    if not isinstance(value, list):
        raise ValueError('The changes must be a JSON list, as in the API\'s {"changes": [...]}.')
    return value


def dumps(changes: list) -> str:
    return json.dumps(changes, indent=1)


def copy_of(instance):
    """The form edits a copy, so previewing never touches the row the page was loaded with."""
    return copy.copy(instance)


def api_fields(values: dict) -> dict:
    """A form's cleaned values as the API's JSON fields: related objects as ids, dates as ISO text."""
    out = {}
    for name, value in values.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float | bool | list):
            value = str(value)  # Decimal
        out[name] = value
    return out

"""A score history's causes in names the reader may see: "engagement 61 created" becomes "engagement
“Meridian for A” created" with a link, when the reader may see engagement 61; what the reader may not see
keeps its bare id (never a name). One query per kind of object named, whatever the number of rows."""

import re

from django.urls import reverse

from incidents.selectors import incident_list
from vendors.selectors import dependency_list, engagement_list, lab_list, vendor_names

from .selectors import assessment_list, cut_causes

CAUSE = re.compile(r"^(engagement|incident|vendor|lab|assessment|dependency) (\d+) (.+)$")


def _names(user, kind: str, ids: set[int]) -> dict[int, tuple[str, str]]:
    """id → (name, page) of the objects of `kind` among `ids` that the user may see."""
    if kind == "vendor":
        visible = vendor_names(ids)
        return {pk: (name, reverse("ui:vendor-detail", args=[pk])) for pk, name in visible.items()}
    if kind == "dependency":
        rows = dependency_list(user=user).filter(pk__in=ids)
        return {
            d.pk: (f"{d.vendor.name} → {d.depends_on.name}", reverse("ui:vendor-detail", args=[d.vendor_id]))
            for d in rows
        }
    selector, field, page = {
        "engagement": (engagement_list, "title", "ui:engagement-detail"),
        "incident": (incident_list, "title", "ui:incident-detail"),
        "lab": (lab_list, "name", "ui:lab-detail"),
        "assessment": (assessment_list, None, "ui:assessment-detail"),
    }[kind]
    rows = selector(user=user).filter(pk__in=ids)
    if kind == "assessment":
        return {
            a.pk: (f"of {a.vendor.name}", reverse(page, args=[a.pk])) for a in rows.select_related("vendor")
        }
    return {pk: (name, reverse(page, args=[pk])) for pk, name in rows.values_list("pk", field)}


def named_causes(user, histories) -> None:
    """Set `visible_causes` on each history row: [{"text", "name", "href", "rest"}], cut to the user's labs."""
    wanted: dict[str, set[int]] = {}
    for h in histories:
        h.visible_causes = cut_causes(user, h.causes)
        for c in h.visible_causes:
            match = CAUSE.match(c.get("cause", ""))
            if match:
                wanted.setdefault(match.group(1), set()).add(int(match.group(2)))
    names = {kind: _names(user, kind, ids) for kind, ids in sorted(wanted.items())}
    for h in histories:
        shown = []
        for c in h.visible_causes:
            text = c.get("cause", "")
            match = CAUSE.match(text)
            hit = names.get(match.group(1), {}).get(int(match.group(2))) if match else None
            if hit is None:
                shown.append({"text": text})
            else:
                shown.append({"kind": match.group(1), "name": hit[0], "href": hit[1], "rest": match.group(3)})
        h.visible_causes = shown

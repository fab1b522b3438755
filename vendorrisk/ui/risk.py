"""What the score and concentration panels show: stored rows, cut to the user's labs, in plain words."""

from dataclasses import dataclass, field

from assessments import selectors as score_selectors
from assessments.api.score_views import lab_concentration_dict
from assessments.models import VendorScore
from vendors.models import Engagement, Lab, Vendor
from vendors.selectors import vendor_names


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def likelihood_terms(components: dict, names: dict[int, str]) -> list[str]:
    """The likelihood's terms in words: each incident counted, then the assessment's base likelihood."""
    terms = []
    for term in components.get("incidents", []):
        text = f"{term['severity']} incident {term['status']}"
        if term["hops"]:
            text += f" at {names.get(term['vendor'], 'a fourth party')} ({_plural(term['hops'], 'hop')} away)"
        if term.get("status_factor", 1) not in (1, 1.0):
            text += f", counted ×{term['status_factor']:g}"
        terms.append(text)
    rating = components.get("base_likelihood", {}).get("rating", "none")
    terms.append("no current assessment" if rating == "none" else f"assessment {rating.replace('_', ' ')}")
    return terms


def breakdown_sentence(row: VendorScore, names: dict[int, str]) -> str:
    """'impact 0.89: 3 labs exposed, 2.25 lab-equivalents; likelihood 0.95: critical incident investigating, …'"""
    impact = (
        f"impact {row.impact:.2f}: {_plural(row.labs_exposed, 'lab')} exposed, "
        f"{row.lab_equivalents:.2f} lab-equivalents"
    )
    likelihood = f"likelihood {row.likelihood:.2f}: " + ", ".join(likelihood_terms(row.components, names))
    return f"{impact}; {likelihood}"


@dataclass
class VendorScoreView:
    vendor: Vendor
    row: VendorScore | None
    stale: bool
    sentence: str = ""
    labs: list[dict] = field(default_factory=list)  # the user's labs: harm, own view, engagement terms
    other_labs: int = 0  # exposed labs the user may not see (a count only)
    incidents: list[dict] = field(default_factory=list)
    base: dict = field(default_factory=dict)


def vendor_score_view(user, vendor: Vendor, *, detail: bool = True) -> VendorScoreView:
    """The vendor's score as `user` may see it. `detail=False` for the small polling fragment."""
    row = VendorScore.objects.filter(vendor=vendor).first()
    stale = score_selectors.vendor_is_stale(vendor.id)
    view = VendorScoreView(vendor=vendor, row=row, stale=stale or row is None)
    if row is None:
        return view
    components, lab_harms, own_views = score_selectors.cut_to_labs(
        user, components=row.components, lab_harms=row.lab_harms, own_views=row.own_views
    )
    incident_vendors = {t["vendor"] for t in components.get("incidents", [])}
    terms = {t["lab"]: t for t in components.get("labs", [])}
    engagement_ids = {e["engagement"] for t in terms.values() for e in t.get("engagements", [])}
    vendor_ids = incident_vendors | {e["vendor"] for t in terms.values() for e in t.get("engagements", [])}
    names = vendor_names(vendor_ids)
    view.sentence = breakdown_sentence(row, names)
    if not detail:
        return view
    lab_ids = [int(k) for k in lab_harms]
    lab_names = dict(Lab.objects.filter(id__in=lab_ids).values_list("id", "name")) if lab_ids else {}
    titles = (
        dict(Engagement.objects.filter(id__in=engagement_ids).values_list("id", "title"))
        if engagement_ids
        else {}
    )
    for lab_id in sorted(lab_ids, key=lambda i: (-lab_harms[str(i)], i)):
        own = own_views.get(str(lab_id))
        term = terms.get(lab_id, {})
        view.labs.append(
            {
                "lab": lab_id,
                "name": lab_names.get(lab_id, ""),
                "harm": lab_harms[str(lab_id)],
                "score": own[0] if own else None,
                "band": own[1] if own else None,
                "engagements": [
                    {
                        **e,
                        "title": titles.get(e["engagement"], ""),
                        "vendor_name": names.get(e["vendor"], ""),
                    }
                    for e in term.get("engagements", [])
                ],
                "engagement_count": term.get("engagement_count", len(term.get("engagements", []))),
            }
        )
    shown = sum(1 for lab in view.labs if lab["harm"] > 0)
    view.other_labs = max(0, row.labs_exposed - shown)
    view.incidents = [
        {**t, "vendor_name": names.get(t["vendor"], "")} for t in components.get("incidents", [])
    ]
    view.base = components.get("base_likelihood", {})
    return view


def lab_concentration_view(user, lab: Lab) -> dict:
    """The lab's concentration (as the API answers it) plus the names the page shows."""
    row = score_selectors.lab_concentration_list(user=user).filter(lab=lab).first()
    data = lab_concentration_dict(lab.id, row, stale=score_selectors.lab_is_stale(lab.id))
    vendor_ids = {g["group"] for g in data["groups"]} | {v["vendor"] for v in data["vendors"]}
    for key in ("top_vendor",):
        if data[key] is not None:
            vendor_ids.add(data[key])
    if data["single_point_of_failure"]:
        vendor_ids.add(data["single_point_of_failure"]["vendor"])
    names = vendor_names(vendor_ids)
    data["names"] = names
    data["top_vendor_name"] = names.get(data["top_vendor"], "")
    spof = data["single_point_of_failure"]
    data["spof_name"] = names.get(spof["vendor"], "") if spof else ""
    groups = sorted(data["groups"], key=lambda g: (-g["reach_share"], -g["share"], g["group"]))
    data["group_rows"] = [{**g, "label": names.get(g["group"], f"Vendor {g['group']}")} for g in groups]
    data["vendor_rows"] = [{**v, "name": names.get(v["vendor"], "")} for v in data["vendors"]]
    data["row"] = row
    return data

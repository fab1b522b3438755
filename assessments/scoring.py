"""Concentration-risk scoring: the formulas of DESIGN.md section 2 as pure functions of plain data.

No Django, no I/O and no clock: the caller builds the frozen `*In` dataclasses from the database, passes
`now` and the tuned constants, and stores the `*Out` results. Everything is iterated in ascending id
order, so a result depends only on the inputs it is a function of, never on their order, and a vendor or
lab computed alone (from the partial inputs `compute` documents) is bit-for-bit the one of a full run.
"""

import gc
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from vendors.graph import group_roots, hop_distances, reverse
from vendors.rules import is_exposing

# --- inputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementIn:
    id: int
    lab_id: int
    vendor_id: int
    status: str
    criticality: str
    data_sensitivity: str
    substitutability: str
    data_disposed_on: date | None


@dataclass(frozen=True, slots=True)
class VendorIn:
    id: int
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class DependencyIn:
    vendor_id: int
    depends_on_id: int
    shares_data: bool


@dataclass(frozen=True, slots=True)
class IncidentIn:
    id: int
    vendor_id: int
    severity: str
    status: str
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class AssessmentIn:
    id: int
    vendor_id: int
    status: str
    rating: str | None
    completed_at: datetime | None
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class ScoringInput:
    labs: tuple[int, ...]
    vendors: tuple[VendorIn, ...]
    engagements: tuple[EngagementIn, ...]
    dependencies: tuple[DependencyIn, ...]
    incidents: tuple[IncidentIn, ...]
    assessments: tuple[AssessmentIn, ...]


# --- constants --------------------------------------------------------------------------------------

DEFAULT_CONSTANTS: dict[str, Any] = {
    "criticality": {"low": 1, "medium": 2, "high": 3, "critical": 4},
    "data_sensitivity": {"public": 0.5, "internal": 1, "confidential": 2, "restricted": 3},
    "substitutability": {"easy": 1, "moderate": 1.25, "difficult": 1.5, "none": 2},
    "incident_severity": {"low": 0.1, "medium": 0.3, "high": 0.6, "critical": 0.9},
    "incident_status_factor": {
        "reported": 1.0,
        "investigating": 1.0,
        "contained": 1.0,
        "resolved": 0.5,
        "closed": 0.25,
    },
    # Resolved and closed incidents count only while resolved_at >= now - fade_days.
    "fade_days": 365,
    "base_likelihood": {
        "strong": 0.10,
        "satisfactory": 0.20,
        "needs_improvement": 0.40,
        "unsatisfactory": 0.60,
        "none": 0.50,
    },
    "hop_decay": 0.5,
    "max_hops": 3,
    # Upper bounds (exclusive) of the low, moderate and high score bands; at or above the last: critical.
    "score_bands": (25, 50, 75),
    # < first: unconcentrated, <= second: moderate, else high (2023 US merger guidelines).
    "hhi_bands": (1000, 1800),
}

# Which engagements take part is `vendors.rules.is_exposing` (pure as well): the one exposing rule.
_FADING_INCIDENT_STATUSES = frozenset({"resolved", "closed"})
_NO_RATING = "none"
_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Constants:
    criticality: Mapping[str, float]
    data_sensitivity: Mapping[str, float]
    substitutability: Mapping[str, float]
    incident_severity: Mapping[str, float]
    incident_status_factor: Mapping[str, float]
    fade_days: float
    base_likelihood: Mapping[str, float]
    hop_decay: float
    max_hops: int
    score_bands: tuple[float, float, float]
    hhi_bands: tuple[float, float]

    @classmethod
    def from_dict(cls, overrides: Mapping[str, Any] | None = None) -> "Constants":
        """Constants from a settings dict (e.g. `VENDORRISK_SCORING`) merged key by key over the defaults.

        Unknown keys are refused rather than ignored, so a typo in settings cannot silently keep a default.
        """
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(DEFAULT_CONSTANTS))
        if unknown:
            raise ValueError(f"unknown scoring constants: {', '.join(unknown)}")
        merged: dict[str, Any] = {}
        for name, default in DEFAULT_CONSTANTS.items():
            value = overrides.get(name, default)
            if isinstance(default, dict):
                extra = sorted(set(value) - set(default))
                if extra:
                    raise ValueError(f"unknown keys in scoring constant {name}: {', '.join(extra)}")
                value = MappingProxyType({key: float(value.get(key, default[key])) for key in default})
            elif isinstance(default, tuple):
                value = tuple(float(bound) for bound in value)
                if len(value) != len(default) or list(value) != sorted(value):
                    raise ValueError(f"scoring constant {name} needs {len(default)} ascending bounds")
            merged[name] = value
        constants = cls(
            **{**merged, "fade_days": float(merged["fade_days"]), "hop_decay": float(merged["hop_decay"])}
        )
        constants._validate()
        return constants

    def _validate(self) -> None:
        for name in ("criticality", "data_sensitivity", "substitutability"):
            if min(getattr(self, name).values()) <= 0:
                raise ValueError(f"scoring constant {name} must be positive")
        for name in ("incident_severity", "incident_status_factor", "base_likelihood"):
            if not all(0 <= value <= 1 for value in getattr(self, name).values()):
                raise ValueError(f"scoring constant {name} must lie in [0, 1]")
        if not 0 < self.hop_decay <= 1:
            raise ValueError("scoring constant hop_decay must lie in (0, 1]")
        if not isinstance(self.max_hops, int) or self.max_hops < 0:
            raise ValueError("scoring constant max_hops must be a whole number, 0 or more")
        if self.fade_days < 0:
            raise ValueError("scoring constant fade_days must be 0 or more")

    @property
    def exposure_max(self) -> float:
        return (
            max(self.criticality.values())
            * max(self.data_sensitivity.values())
            * max(self.substitutability.values())
        )


DEFAULT = Constants.from_dict()

# --- outputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VendorScoreOut:
    vendor_id: int
    score: float
    band: str
    impact: float
    likelihood: float
    lab_equivalents: float
    labs_exposed: int
    base_likelihood: float
    assessment_id: int | None
    components: dict[str, Any]
    lab_harms: dict[int, float]
    own_views: dict[int, tuple[float, str]]
    # Lab id -> (h(L,W) unrounded, the direct vendors it reaches W through when only indirectly (else ()),
    # whether those lie in two or more groups): what the stored per-lab rows keep besides the above.
    lab_parts: dict[int, tuple[float, tuple[int, ...], bool]] = field(default_factory=dict)
    likelihood_exact: float = 0.0  # ℓ_W unrounded


@dataclass(frozen=True, slots=True)
class LabConcentrationOut:
    """`groups`: every group the lab reaches, by root id; `vendors`: its own view (empty if not asked)."""

    lab_id: int
    hhi: float
    hhi_look_through: float
    band: str
    top_vendor: int | None
    top_share: float | None
    effective_providers: float | None
    single_point_of_failure: int | None
    single_point_of_failure_share: float | None
    groups: list[dict[str, Any]]
    vendors: list[dict[str, Any]]
    components: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SharedDependencyOut:
    vendor_id: int
    labs_reaching: int
    via: tuple[int, ...]
    lab_via: dict[int, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class ScoringResult:
    vendors: dict[int, VendorScoreOut]
    labs: dict[int, LabConcentrationOut]
    shared_dependencies: dict[int, SharedDependencyOut]


# --- small public helpers ---------------------------------------------------------------------------


def round6(value: float) -> float:
    """Exactly `round(value, 6)` (the precision of every stored value), without its cost where it is safe.

    A full recompute rounds millions of terms. Away from a half, value·1e6 (error < 1e-6 below 1e9) is
    unambiguously nearer one integer n, and n / 1e6 is the same nearest float `round` returns.
    """
    scaled = value * 1e6
    if -1e9 < scaled < 1e9:
        whole = math.floor(scaled)
        fraction = scaled - whole
        if abs(fraction - 0.5) > 1e-3:
            return (whole + (fraction > 0.5)) / 1e6
    return round(value, 6)


def round_score(risk: float) -> float:
    """One decimal, half up, after rounding to 6 decimals so float noise cannot flip the half."""
    shifted = 10 * risk + 0.5
    floor = math.floor(shifted)
    # round6 moves 10·R by at most 5e-6, so away from a half it cannot change the result; skipping the
    # (slow) decimal rounding there keeps a full recompute fast. Near a half, apply the spec literally.
    if 1e-4 < shifted - floor < 1 - 1e-4:
        return floor / 10
    return math.floor(10 * round6(risk) + 0.5) / 10


# The band names, lowest first: every filter, serializer and page takes its choices from these.
SCORE_BANDS = ("low", "moderate", "high", "critical")
HHI_BANDS = ("unconcentrated", "moderate", "high")


def band_choices(bands: tuple[str, ...]) -> list[tuple[str, str]]:
    """`[(name, name), ...]` for a ChoiceField or a filter."""
    return [(band, band) for band in bands]


def score_band(score: float, constants: Constants = DEFAULT) -> str:
    low, moderate, high = constants.score_bands
    if score < low:
        return SCORE_BANDS[0]
    if score < moderate:
        return SCORE_BANDS[1]
    if score < high:
        return SCORE_BANDS[2]
    return SCORE_BANDS[3]


def hhi_band(hhi: float, constants: Constants = DEFAULT) -> str:
    unconcentrated, moderate = constants.hhi_bands
    if hhi < unconcentrated:
        return HHI_BANDS[0]
    if hhi <= moderate:
        return HHI_BANDS[1]
    return HHI_BANDS[2]


def engagement_exposure(engagement: EngagementIn, constants: Constants = DEFAULT) -> float:
    """x_e = c·s·u / (c_max·s_max·u_max), in (0, 1]."""
    weight = (
        constants.criticality[engagement.criticality]
        * constants.data_sensitivity[engagement.data_sensitivity]
        * constants.substitutability[engagement.substitutability]
    )
    return weight / constants.exposure_max


def incident_status_factor(incident: IncidentIn, *, now: datetime, constants: Constants = DEFAULT) -> float:
    factor = constants.incident_status_factor[incident.status]
    if incident.status in _FADING_INCIDENT_STATUSES:
        cutoff = now - timedelta(days=constants.fade_days)
        if incident.resolved_at is None or incident.resolved_at < cutoff:
            return 0.0
    return factor


def current_assessment(assessments: Iterable[AssessmentIn], *, today: date) -> AssessmentIn | None:
    """The completed assessment still valid today with the latest completed_at, then the highest id.

    An assessment without valid_until is not current (the model always sets it on completion).
    """
    valid = [
        assessment
        for assessment in assessments
        if assessment.status == "completed"
        and assessment.valid_until is not None
        and assessment.valid_until >= today
    ]
    if not valid:
        return None
    return max(valid, key=lambda a: (a.completed_at is not None, a.completed_at or _EPOCH, a.id))


def _risk(exposure: float, likelihood: float) -> float:
    """R = 100 · exposure · (0.5 + 0.5·ℓ), for I_W (concentration score) and h(L,W) (a lab's own view)."""
    return 100.0 * exposure * (0.5 + 0.5 * likelihood)


# --- the scorer -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Exposing:
    """An exposing engagement with x_e and x_e·δ^k for every k, raw and rounded for the breakdown."""

    id: int
    lab_id: int
    vendor_id: int
    exposure: float
    exposure6: float
    weights: tuple[float, ...]
    weights6: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class _Likelihood:
    value: float
    base: float
    rating: str
    assessment_id: int | None
    # (incident, vendor, hops, severity, status, status factor, q·f·δ^k), in ascending incident id.
    terms: tuple[tuple[int, int, int, str, str, float, float], ...]


# Per lab reaching a vendor: h(L,W), h rounded, smallest k, the lab's engagements reaching W (by id).
_LabHarm = tuple[float, float, int, list[_Exposing]]


class _Scorer:
    """Indexes the inputs once; then one pass over vendors and one over labs.

    Each vendor's harms are computed once and used at once (its score, its shared-fourth-party row and
    the own-view rows of the labs reaching it) rather than memoised: a full run keeps millions of terms,
    and holding them all alive makes the garbage collector, not the arithmetic, the cost.
    """

    def __init__(self, inputs: ScoringInput, *, now: datetime, constants: Constants) -> None:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be an aware datetime")
        self.constants = constants
        self.today = now.astimezone(UTC).date()
        self.max_hops = constants.max_hops
        self.decay = tuple(constants.hop_decay**hops for hops in range(constants.max_hops + 1))

        self.vendor_ids = sorted({vendor.id for vendor in inputs.vendors})
        self.lab_ids = sorted(set(inputs.labs))
        self.roots = group_roots({vendor.id: vendor.parent_id for vendor in inputs.vendors})

        downstream: dict[int, list[int]] = {}
        for dependency in sorted(inputs.dependencies, key=lambda d: (d.vendor_id, d.depends_on_id)):
            if dependency.shares_data and dependency.vendor_id != dependency.depends_on_id:
                targets = downstream.setdefault(dependency.vendor_id, [])
                if not targets or targets[-1] != dependency.depends_on_id:
                    targets.append(dependency.depends_on_id)
        self.downstream = downstream
        self.upstream = reverse(downstream)

        # Only exposing engagements take part anywhere (harm, HHI, look-through, shared fourth parties).
        self.engagements_by_vendor: dict[int, list[_Exposing]] = {}
        self.engagements_by_lab: dict[int, list[_Exposing]] = {}
        # x_e takes few distinct values: work out and round each once, not once per engagement or pair.
        weights_by_levels: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        for engagement in sorted(inputs.engagements, key=lambda e: e.id):
            if not is_exposing(engagement.status, engagement.data_disposed_on):
                continue
            levels = (engagement.criticality, engagement.data_sensitivity, engagement.substitutability)
            cached = weights_by_levels.get(levels)
            if cached is None:
                exposure = engagement_exposure(engagement, constants)
                weights = tuple(exposure * decay for decay in self.decay)
                cached = (exposure, round6(exposure), weights, tuple(round6(weight) for weight in weights))
                weights_by_levels[levels] = cached
            exposing = _Exposing(engagement.id, engagement.lab_id, engagement.vendor_id, *cached)
            self.engagements_by_vendor.setdefault(engagement.vendor_id, []).append(exposing)
            self.engagements_by_lab.setdefault(engagement.lab_id, []).append(exposing)

        self.incidents_by_vendor: dict[int, list[tuple[int, IncidentIn, float, float]]] = {}
        for incident in sorted(inputs.incidents, key=lambda i: i.id):
            factor = incident_status_factor(incident, now=now, constants=constants)
            weight = constants.incident_severity[incident.severity] * factor
            self.incidents_by_vendor.setdefault(incident.vendor_id, []).append(
                (incident.id, incident, factor, weight)
            )

        self.assessments_by_vendor: dict[int, list[AssessmentIn]] = {}
        for assessment in inputs.assessments:
            self.assessments_by_vendor.setdefault(assessment.vendor_id, []).append(assessment)

        self._down_memo: dict[int, dict[int, int]] = {}
        self._group_reach_memo: dict[int, dict[int, int]] = {}

    # graph --------------------------------------------------------------------------------------------

    def root(self, vendor_id: int) -> int:
        return self.roots.get(vendor_id, vendor_id)

    def reach_down(self, vendor_id: int) -> dict[int, int]:
        distances = self._down_memo.get(vendor_id)
        if distances is None:
            distances = hop_distances(vendor_id, self.downstream, self.max_hops)
            self._down_memo[vendor_id] = distances
        return distances

    def group_reach(self, vendor_id: int) -> dict[int, int]:
        """Group root -> k(V, G): the shortest hop count from the vendor to any vendor of the group."""
        reach = self._group_reach_memo.get(vendor_id)
        if reach is None:
            reach = {}
            for reached, hops in self.reach_down(vendor_id).items():
                root = self.root(reached)
                if hops < reach.get(root, hops + 1):
                    reach[root] = hops
            self._group_reach_memo[vendor_id] = reach
        return reach

    # the two passes -----------------------------------------------------------------------------------

    def run(self, vendor_ids: list[int], lab_ids: list[int], *, lab_views: bool = True) -> ScoringResult:
        requested_vendors = set(vendor_ids)
        viewing_labs = set(lab_ids) if lab_views else set()
        # A lab's own view covers every vendor it reaches, so those vendors' harms are needed too.
        needed = set(requested_vendors)
        for lab_id in viewing_labs:
            for engagement in self.engagements_by_lab.get(lab_id, ()):
                needed.update(self.reach_down(engagement.vendor_id))

        vendors: dict[int, VendorScoreOut] = {}
        shared: dict[int, SharedDependencyOut] = {}
        # Per lab: (-score, -harm, vendor, band), so that sorting orders the lab's own view as specified.
        own_view_rows: dict[int, list[tuple[float, float, int, str]]] = {lab_id: [] for lab_id in lab_ids}
        for vendor_id in sorted(needed):
            upstream = hop_distances(vendor_id, self.upstream, self.max_hops)
            harms = self.harms(upstream)
            likelihood = self.likelihood(vendor_id)
            own_views = {}
            views_by_harm: dict[float, tuple[float, str]] = {}  # many labs share a harm value
            for lab_id, (harm, harm6, _, _) in harms.items():
                view = views_by_harm.get(harm)
                if view is None:
                    own_score = round_score(_risk(harm, likelihood.value))
                    view = views_by_harm[harm] = (own_score, score_band(own_score, self.constants))
                own_views[lab_id] = view
                if harm > 0 and lab_id in viewing_labs:
                    own_view_rows[lab_id].append((-view[0], -harm6, vendor_id, view[1]))
            if vendor_id in requested_vendors:
                vendors[vendor_id] = self.vendor_score(vendor_id, upstream, harms, likelihood, own_views)
                shared_dependency = self.shared_dependency(vendor_id, harms)
                if shared_dependency is not None:
                    shared[vendor_id] = shared_dependency
        labs = {lab_id: self.lab_concentration(lab_id, own_view_rows[lab_id]) for lab_id in lab_ids}
        return ScoringResult(vendors=vendors, labs=labs, shared_dependencies=shared)

    # vendor terms -------------------------------------------------------------------------------------

    def harms(self, upstream: dict[int, int]) -> dict[int, _LabHarm]:
        """Lab id -> (h(L,W), rounded, smallest k, the lab's engagements reaching W by id), by lab id.

        `upstream` is W's upstream reach: direct vendor -> k(V, W).
        """
        by_lab: dict[int, list[_Exposing]] = {}
        engagements_of = self.engagements_by_vendor.get
        for direct in upstream:
            for engagement in engagements_of(direct, ()):
                reaching = by_lab.get(engagement.lab_id)
                if reaching is None:
                    by_lab[engagement.lab_id] = [engagement]
                else:
                    reaching.append(engagement)
        harms = {}
        for lab_id in sorted(by_lab):
            reaching = by_lab[lab_id]
            if len(reaching) == 1:  # the common case, and the same arithmetic as the loop below
                engagement = reaching[0]
                hops = upstream[engagement.vendor_id]
                harm = 1.0 - (1.0 - engagement.weights[hops])
                harms[lab_id] = (harm, round6(harm), hops, reaching)
                continue
            reaching.sort(key=_engagement_id)  # the noisy-OR product runs in ascending engagement id
            survival = 1.0
            min_hops = self.max_hops
            for engagement in reaching:
                hops = upstream[engagement.vendor_id]
                survival *= 1.0 - engagement.weights[hops]
                if hops < min_hops:
                    min_hops = hops
            harm = 1.0 - survival
            harms[lab_id] = (harm, round6(harm), min_hops, reaching)
        return harms

    def likelihood(self, vendor_id: int) -> _Likelihood:
        assessment = current_assessment(self.assessments_by_vendor.get(vendor_id, ()), today=self.today)
        rating = _NO_RATING
        if assessment is not None and assessment.rating is not None:
            rating = assessment.rating
        base = self.constants.base_likelihood[rating]
        at_reach = sorted(
            (incident_id, hops, incident, factor, weight)
            for reached, hops in self.reach_down(vendor_id).items()
            for incident_id, incident, factor, weight in self.incidents_by_vendor.get(reached, ())
        )
        survival = 1.0
        terms = []
        for incident_id, hops, incident, factor, weight in at_reach:
            term = weight * self.decay[hops]
            if term > 0:  # a faded incident multiplies by exactly 1: leaving it out changes nothing
                survival *= 1.0 - term
                terms.append(
                    (incident_id, incident.vendor_id, hops, incident.severity, incident.status, factor, term)
                )
        return _Likelihood(
            value=1.0 - (1.0 - base) * survival,
            base=base,
            rating=rating,
            assessment_id=assessment.id if assessment is not None else None,
            terms=tuple(terms),
        )

    # results ------------------------------------------------------------------------------------------

    def vendor_score(
        self,
        vendor_id: int,
        upstream: dict[int, int],
        harms: dict[int, _LabHarm],
        likelihood: _Likelihood,
        own_views: dict[int, tuple[float, str]],
    ) -> VendorScoreOut:
        lab_equivalents = 0.0
        for harm, _, _, _ in harms.values():
            lab_equivalents += harm
        impact = 1.0 - math.exp(-lab_equivalents)
        score = round_score(_risk(impact, likelihood.value))
        lab_harms = {}
        lab_terms = []
        labs_exposed = 0
        for lab_id, (harm, harm6, _, reaching) in harms.items():
            lab_harms[lab_id] = harm6
            if harm > 0:
                labs_exposed += 1
            terms = []
            for engagement in reaching:
                hops = upstream[engagement.vendor_id]
                terms.append(
                    {
                        "engagement": engagement.id,
                        "vendor": engagement.vendor_id,
                        "hops": hops,
                        "exposure": engagement.exposure6,
                        "weight": engagement.weights6[hops],
                    }
                )
            lab_terms.append({"lab": lab_id, "harm": harm6, "engagements": terms})
        components = {
            "labs": lab_terms,
            "incidents": [
                {
                    "incident": incident_id,
                    "vendor": at_vendor,
                    "hops": hops,
                    "severity": severity,
                    "status": status,
                    "status_factor": factor,
                    "term": round6(term),
                }
                for incident_id, at_vendor, hops, severity, status, factor, term in likelihood.terms
            ],
            "base_likelihood": {
                "rating": likelihood.rating,
                "value": likelihood.base,
                "assessment": likelihood.assessment_id,
            },
        }
        return VendorScoreOut(
            vendor_id=vendor_id,
            score=score,
            band=score_band(score, self.constants),
            impact=round6(impact),
            likelihood=round6(likelihood.value),
            lab_equivalents=round6(lab_equivalents),
            labs_exposed=labs_exposed,
            base_likelihood=likelihood.base,
            assessment_id=likelihood.assessment_id,
            components=components,
            lab_harms=lab_harms,
            own_views=own_views,
            likelihood_exact=likelihood.value,
            lab_parts={
                lab_id: (harm, *self.via(min_hops, reaching))
                for lab_id, (harm, _, min_hops, reaching) in harms.items()
            },
        )

    def via(self, min_hops: int, reaching: list[_Exposing]) -> tuple[tuple[int, ...], bool]:
        """The lab's direct vendors a vendor is reached through, when only indirectly, and whether they lie
        in two or more groups (DESIGN.md section 2, item 9)."""
        if min_hops == 0:
            return (), False
        if len(reaching) == 1:
            return (reaching[0].vendor_id,), False
        direct_vendors = tuple(sorted({engagement.vendor_id for engagement in reaching}))
        return direct_vendors, len({self.root(direct) for direct in direct_vendors}) >= 2

    def shared_dependency(self, vendor_id: int, harms: dict[int, _LabHarm]) -> SharedDependencyOut | None:
        lab_via: dict[int, tuple[int, ...]] = {}
        through_two_groups = False
        for lab_id, (_, _, min_hops, reaching) in harms.items():
            # k = 0 only for an engagement with W itself, so "k >= 1 from every direct vendor" already
            # means "not engaged directly"; both count exposing engagements only, like every other term.
            if min_hops == 0:
                continue
            if len(reaching) == 1:
                direct_vendors: tuple[int, ...] = (reaching[0].vendor_id,)
            else:
                direct_vendors = tuple(sorted({engagement.vendor_id for engagement in reaching}))
                if not through_two_groups and len({self.root(direct) for direct in direct_vendors}) >= 2:
                    through_two_groups = True
            lab_via[lab_id] = direct_vendors
        if len(lab_via) < 2 and not through_two_groups:
            return None
        via = tuple(sorted({direct for directs in lab_via.values() for direct in directs}))
        return SharedDependencyOut(vendor_id=vendor_id, labs_reaching=len(lab_via), via=via, lab_via=lab_via)

    def lab_concentration(
        self, lab_id: int, own_view_rows: list[tuple[float, float, int, str]]
    ) -> LabConcentrationOut:
        engagements = self.engagements_by_lab.get(lab_id, [])
        if not engagements:
            return LabConcentrationOut(
                lab_id=lab_id,
                hhi=0.0,
                hhi_look_through=0.0,
                band=hhi_band(0.0, self.constants),
                top_vendor=None,
                top_share=None,
                effective_providers=None,
                single_point_of_failure=None,
                single_point_of_failure_share=None,
                groups=[],
                vendors=[],
                components={"total_exposure": 0.0, "engagements": []},
            )

        total = 0.0
        group_exposure: dict[int, float] = {}
        reach_exposure: dict[int, float] = {}
        engagement_rows = []
        for engagement in engagements:
            group = self.root(engagement.vendor_id)
            total += engagement.exposure
            group_exposure[group] = group_exposure.get(group, 0.0) + engagement.exposure
            weights = engagement.weights
            for reached_group, hops in self.group_reach(engagement.vendor_id).items():
                reach_exposure[reached_group] = reach_exposure.get(reached_group, 0.0) + weights[hops]
            engagement_rows.append(
                {
                    "engagement": engagement.id,
                    "vendor": engagement.vendor_id,
                    "group": group,
                    "exposure": engagement.exposure6,
                }
            )

        shares = {group: group_exposure[group] / total for group in sorted(group_exposure)}
        reach_shares = {group: reach_exposure[group] / total for group in sorted(reach_exposure)}
        hhi = 0.0
        for share in shares.values():
            hhi += share * share
        hhi *= 10000
        hhi_look_through = 0.0
        for share in reach_shares.values():
            hhi_look_through += share * share
        hhi_look_through *= 10000
        hhi_rounded = round6(hhi)

        shares6 = {group: round6(share) for group, share in shares.items()}
        reach_shares6 = {group: round6(share) for group, share in reach_shares.items()}
        # Ties (after rounding to 6 decimals) go to the lowest root vendor id.
        top_vendor = min(shares6, key=lambda group: (-shares6[group], group))
        single_point = min(reach_shares6, key=lambda group: (-reach_shares6[group], group))

        groups = []
        for group, reach_share in reach_shares6.items():
            exposure = group_exposure.get(group)
            groups.append(
                {
                    "group": group,
                    "exposure": 0.0 if exposure is None else round6(exposure),
                    "share": shares6.get(group, 0.0),
                    "reach_share": reach_share,
                }
            )
        own_view_rows.sort()  # highest score first, then highest harm, then vendor id
        vendors = [
            {"vendor": vendor_id, "harm": -harm, "score": -score, "band": band}
            for score, harm, vendor_id, band in own_view_rows
        ]
        return LabConcentrationOut(
            lab_id=lab_id,
            hhi=hhi_rounded,
            hhi_look_through=round6(hhi_look_through),
            band=hhi_band(hhi_rounded, self.constants),
            top_vendor=top_vendor,
            top_share=shares6[top_vendor],
            effective_providers=round6(10000 / hhi),
            single_point_of_failure=single_point,
            single_point_of_failure_share=reach_shares6[single_point],
            groups=groups,
            vendors=vendors,
            components={"total_exposure": round6(total), "engagements": engagement_rows},
        )


def _engagement_id(engagement: _Exposing) -> int:
    return engagement.id


def compute(
    inputs: ScoringInput,
    *,
    now: datetime,
    constants: Constants = DEFAULT,
    vendor_ids: Iterable[int] | None = None,
    lab_ids: Iterable[int] | None = None,
    lab_views: bool = True,
) -> ScoringResult:
    """Vendor scores, shared fourth parties and lab concentrations (DESIGN.md section 2).

    `vendor_ids` / `lab_ids` None means every vendor of `inputs.vendors` / every lab of `inputs.labs`;
    pass an empty tuple to skip one side. A partial run needs, besides the whole vendor graph (all vendors
    and dependencies): for each requested vendor, the engagements of every vendor within `max_hops`
    upstream of it, the incidents at every vendor within `max_hops` downstream and its own assessments;
    for each requested lab, all its engagements and, for its `vendors` list (the lab's own view, which
    uses each reached vendor's likelihood), the incidents within `max_hops` downstream of every vendor it
    reaches and those vendors' assessments. `lab_views=False` skips the labs' own-view lists (the
    stored recompute assembles them from the vendors' own_views instead), which needs only the lab's
    engagements and the graph.
    """
    with collector_paused():
        scorer = _Scorer(inputs, now=now, constants=constants)
        return scorer.run(
            _requested(vendor_ids, scorer.vendor_ids, "vendor"),
            _requested(lab_ids, scorer.lab_ids, "lab"),
            lab_views=lab_views,
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while scoring.

    A full run builds millions of small containers (the breakdowns) and creates no reference cycles, yet
    each automatic full collection walks all of them: about half the run time. Reference counting still
    frees everything; the previous state is restored, so a caller that disabled the collector keeps it so.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _requested(ids: Iterable[int] | None, known: list[int], kind: str) -> list[int]:
    if ids is None:
        return known
    requested = sorted(set(ids))
    missing = sorted(set(requested) - set(known))
    if missing:
        raise ValueError(f"{kind} ids not in the inputs: {missing}")
    return requested

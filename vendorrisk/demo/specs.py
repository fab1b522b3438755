"""The record types of the demo scenario: plain, frozen data that the loaders turn into rows.

Keys (`key`, `lab`, `vendor`, `owner`, ...) are the scenario's own short names, resolved by the loaders.
Times are relative, so the demo stays current: `*_days` are days from the day of the load (negative is in
the past), `*_hours_ago` are hours before the load's reference time (that day, 09:00 UTC).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LabSpec:
    key: str
    name: str
    description: str
    regimes: tuple[str, ...]


@dataclass(frozen=True)
class VendorSpec:
    key: str
    name: str
    category: str
    country: str
    website: str
    parent: str | None  # key of the vendor group this brand belongs to
    legal_name: str
    description: str
    status: str = "active"


@dataclass(frozen=True)
class DependencySpec:
    vendor: str
    depends_on: str
    shares_data: bool
    description: str


@dataclass(frozen=True)
class EngagementSpec:
    lab: str
    vendor: str
    title: str
    status: str
    criticality: str
    data_sensitivity: str
    substitutability: str
    data_categories: tuple[str, ...]
    annual_value: int | None
    currency: str
    start_days: int
    end_days: int | None
    disposed_days: int | None
    notes: str


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    all_labs: bool
    labs: tuple[str, ...] | None  # None: the user's labs are left alone (admin sees every lab anyway)


@dataclass(frozen=True)
class IncidentSpec:
    vendor: str
    title: str
    description: str
    severity: str
    status: str  # reached from "reported" through the lifecycle when the vendor confirms
    attack_vector: str
    data_exposure: str
    data_categories_exposed: tuple[str, ...]
    records_affected: int
    occurred_hours_ago: int
    discovered_hours_ago: int
    confirmed_hours_ago: int
    updates: tuple[str, ...]  # timeline entries after the confirmation, oldest first


@dataclass(frozen=True)
class ResponseSpec:
    incident_vendor: str  # the scenario has one incident per vendor
    lab: str
    decision: str
    data_confirmed_exposed: str
    aware_hours_ago: int
    reason: str


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    domain: str
    text: str
    weight: int
    response: str  # the demo's answer when this built-in questionnaire is used


@dataclass(frozen=True)
class AssessmentSpec:
    vendor: str
    status: str  # "completed" or "in_progress"
    assessor: str
    completed_days: int | None
    answered_share: float  # the first share of the applicable questions is answered
    notes: str


@dataclass(frozen=True)
class FindingSpec:
    assessment_vendor: str
    title: str
    severity: str
    status: str
    owner: str
    due_days: int
    description: str

"""Declarations of every API resource, from which the generic tests are generated (the NetBox pattern).

A resource says what DESIGN.md sections 4–5 promise about it: its path and URL name, its model, the
HTTP methods it allows, who may read and write it, whether its rows belong to a lab, how to make a row
(with the factories), valid create / PUT / PATCH bodies, a filter, a search term and an ordering field
that must work, the fields to break for the bad-input tests, and its pinned list query count.

The generic tests (test_crud, test_bad_input, test_permissions, test_scoping, test_query_counts,
test_openapi, test_conventions) read `RESOURCES`; adding a resource here gives it all of them.

Rows are made "for a lab": for a lab-owned resource, ``make(lab)`` returns a row that the lab's members
can see (an engagement of that lab, say); for shared vendor knowledge the lab is ignored.
"""

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any, ClassVar

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Finding, Question, Questionnaire, WhatIfPlan
from incidents.models import Incident, IncidentUpdate, LabResponse, Notification
from tests import factories as f
from vendors.models import Engagement, Function, Lab, Vendor, VendorDependency

User = get_user_model()

ALL_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
ADMIN = frozenset({"admin"})
PROCUREMENT = frozenset({"procurement", "admin"})
SECURITY = frozenset({"security", "admin"})
ROLES = ("viewer", "procurement", "security", "admin")

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {next(_serial)}"


def iso(value: dt.datetime) -> str:
    """A datetime as the API writes it (UTC, "Z")."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass
class World:
    """The conftest's two labs, their engagements and the users (see tests/conftest.py)."""

    lab_a: Lab
    lab_b: Lab
    vendor_a: Vendor
    vendor_b: Vendor
    engagement_a: Engagement
    engagement_b: Engagement
    admin_user: Any
    viewer_all: Any
    procurement_all: Any
    security_all: Any
    viewer_lab_a: Any
    procurement_lab_a: Any
    security_lab_a: Any

    def writer_for(self, roles: frozenset) -> Any:
        """An all-labs user holding one of ``roles`` — a non-admin one when the roles allow it."""
        for role, user in (("procurement", self.procurement_all), ("security", self.security_all)):
            if role in roles:
                return user
        return self.admin_user

    def reader_for(self, roles: frozenset | None) -> Any:
        """A Lab A–limited user who may read (the most restricted reader there is)."""
        if roles is None:
            return self.viewer_lab_a
        if "security" in roles:
            return self.security_lab_a
        return self.admin_user


def sibling_lab(lab: Lab) -> Lab:
    """A new lab with the same members as ``lab``, so the same limited users see it."""
    return f.LabFactory(members=list(lab.members.all()))


@dataclass
class BadField:
    """One field to break, and the value that breaks it."""

    field: str
    value: Any


class Resource:
    """One API resource. Subclasses declare the attributes and implement the row/payload hooks."""

    name: ClassVar[str]
    path: ClassVar[str]  # as in DESIGN.md's table
    basename: ClassVar[str]
    model: ClassVar[type[models.Model]]
    covers: ClassVar[tuple[type[models.Model], ...]] = ()  # further models its tests write and read
    methods: ClassVar[frozenset[str]] = ALL_METHODS
    read_roles: ClassVar[frozenset[str] | None] = None  # None: every signed-in role
    write_roles: ClassVar[frozenset[str]] = ADMIN
    lab_owned: ClassVar[bool] = False
    has_detail: ClassVar[bool] = True
    audited: ClassVar[bool] = True
    ordering: ClassVar[str] = "id"
    list_queries: ClassVar[int]  # pinned: queries of one list page, whatever the number of rows
    # Bad input: which fields to break (None where the resource has no such field).
    required: ClassVar[str | None] = None
    long_text: ClassVar[tuple[str, int] | None] = None
    nul_text: ClassVar[str | None] = None
    unknown_fk: ClassVar[str | None] = None
    unknown_choice: ClassVar[BadField | None] = None
    wrong_type: ClassVar[BadField | None] = None
    scoped_fk: ClassVar[str | None] = None  # a lab FK: out-of-scope ids must read as unknown
    not_echoed: ClassVar[frozenset[str]] = frozenset()  # payload keys not returned as sent

    def __init__(self, world: World):
        self.w = world

    def __repr__(self) -> str:
        return self.name

    # --- URLs ---
    def url_kwargs(self) -> dict:
        return {}

    def list_url(self) -> str:
        return reverse(f"{self.basename}-list", kwargs=self.url_kwargs())

    def detail_url(self, obj) -> str:
        return reverse(f"{self.basename}-detail", kwargs={**self.url_kwargs(), "pk": obj.pk})

    # --- rows and bodies ---
    def make(self, lab: Lab | None = None):
        raise NotImplementedError

    def create_payload(self, lab: Lab) -> dict:
        raise NotImplementedError

    def put_payload(self, obj) -> dict:
        raise NotImplementedError

    def patch_payload(self, obj) -> dict:
        raise NotImplementedError

    def filter_case(self) -> tuple[dict, Any, Any]:
        """(query, a row it must return, a row it must not)."""
        raise NotImplementedError

    def search_case(self) -> tuple[str, Any, Any]:
        raise NotImplementedError

    def bad_input_request(self, lab: Lab) -> tuple[str, str, dict]:
        """(method, url, valid body) that the bad-input tests break one field of, as a user of ``lab``."""
        return "post", self.list_url(), self.create_payload(lab)

    @classmethod
    def allows(cls, method: str) -> bool:
        return method in cls.methods


# --- vendors app ----------------------------------------------------------------------------------


class LabResource(Resource):
    name = "labs"
    path = "/api/labs/"
    basename = "lab"
    model = Lab
    write_roles = ADMIN
    lab_owned = True
    ordering = "name"
    list_queries = 3
    required = "name"
    long_text = ("name", 200)
    nul_text = "description"
    unknown_choice = BadField("regimes", ["gdpr", "martian_law"])
    wrong_type = BadField("regimes", "gdpr")

    def make(self, lab=None):
        return sibling_lab(lab or self.w.lab_a)

    def create_payload(self, lab):
        return {
            "name": unique("New lab"),
            "description": "A research unit.",
            "regimes": ["gdpr", "dora"],
            "lei": "",
            "country": "DE",
            "entity_type": "investment_firm",
            "competent_authority": "A fictional authority",
            "total_assets": "1000000.00",
            "assets_currency": "EUR",
        }

    def put_payload(self, obj):
        return {"name": f"{obj.name} renamed", "description": "Renamed.", "regimes": ["hipaa"]}

    def patch_payload(self, obj):
        return {"description": "Patched description."}

    def filter_case(self):
        wanted = f.LabFactory(regimes=["dora"])
        return {"regime": "dora"}, wanted, f.LabFactory(regimes=["gdpr"])

    def search_case(self):
        return "Zephyr", f.LabFactory(name="Zephyr research"), f.LabFactory(name="Quartz research")


class VendorResource(Resource):
    name = "vendors"
    path = "/api/vendors/"
    basename = "vendor"
    model = Vendor
    write_roles = PROCUREMENT
    ordering = "name"
    list_queries = 3
    required = "category"
    long_text = ("name", 200)
    nul_text = "description"
    unknown_fk = "parent"
    unknown_choice = BadField("category", "spaceship")
    wrong_type = BadField("parent", "the big one")

    def make(self, lab=None):
        return f.VendorFactory(parent=f.VendorFactory())

    def create_payload(self, lab):
        return {
            "name": unique("New vendor"),
            "category": "expert_network",
            "country": "DE",
            "website": "https://vendor.example.test",
            "parent": self.w.vendor_a.id,
            "description": "Expert network.",
        }

    def put_payload(self, obj):
        return {
            "name": f"{obj.name} renamed",
            "category": "compute",
            "status": "under_review",
            "parent": None,
        }

    def patch_payload(self, obj):
        return {"status": "offboarded"}

    def filter_case(self):
        return (
            {"category": "compute"},
            f.VendorFactory(category="compute"),
            f.VendorFactory(category="software"),
        )

    def search_case(self):
        return "Zephyr", f.VendorFactory(name="Zephyr data"), f.VendorFactory(name="Quartz data")


class EngagementResource(Resource):
    name = "engagements"
    path = "/api/engagements/"
    basename = "engagement"
    model = Engagement
    write_roles = PROCUREMENT
    lab_owned = True
    ordering = "title"
    list_queries = 4  # + the ids of the users the caller may see (names)
    required = "start_date"
    long_text = ("title", 200)
    nul_text = "notes"
    unknown_fk = "vendor"
    unknown_choice = BadField("status", "paused")
    wrong_type = BadField("annual_value", "a lot")
    scoped_fk = "lab"

    def make(self, lab=None):
        return f.EngagementFactory(lab=lab or self.w.lab_a, owner=f.UserFactory())

    def create_payload(self, lab):
        return {
            "lab": lab.id,
            "vendor": self.w.vendor_a.id,
            "title": unique("New engagement"),
            "status": "active",
            "criticality": "critical",
            "data_sensitivity": "restricted",
            "substitutability": "none",
            "data_categories": ["training_data", "evaluation_benchmarks"],
            "annual_value": "250000.00",
            "currency": "USD",
            "start_date": "2024-02-01",
            "notes": "Renewed yearly.",
            "contract_reference": unique("CTR").replace(" ", "-"),
            "arrangement_type": "standalone",
            "ict_service_type": "S05",
            "governing_law_country": "DE",
            "notice_period_lab_days": 90,
            "notice_period_vendor_days": 180,
            "provision_country": "US",
            "stores_data": True,
            "data_locations_at_rest": ["US", "DE"],
            "data_locations_processing": ["US"],
            "reliance_level": "material",
            "exit_plan": True,
            "reintegration": "difficult",
            "discontinuation_impact": "high",
            "alternative_providers": [self.w.vendor_b.id],
        }

    def put_payload(self, obj):
        return {
            "lab": obj.lab_id,
            "vendor": obj.vendor_id,
            "title": f"{obj.title} renamed",
            "status": "suspended",
            "criticality": "low",
            "data_sensitivity": "internal",
            "substitutability": "easy",
            "data_categories": [],
            "start_date": "2024-01-01",
        }

    def patch_payload(self, obj):
        return {"criticality": "critical"}

    def filter_case(self):
        wanted = f.EngagementFactory(lab=self.w.lab_a, status="suspended")
        return {"status": "suspended"}, wanted, f.EngagementFactory(lab=self.w.lab_a, status="proposed")

    def search_case(self):
        wanted = f.EngagementFactory(lab=self.w.lab_a, title="Zephyr annotation")
        return "Zephyr", wanted, f.EngagementFactory(lab=self.w.lab_a, title="Quartz annotation")


class FunctionResource(Resource):
    name = "functions"
    path = "/api/functions/"
    basename = "function"
    model = Function
    write_roles = PROCUREMENT
    lab_owned = True
    ordering = "identifier"
    list_queries = 3
    required = "identifier"
    long_text = ("name", 200)
    nul_text = "reasons"
    unknown_choice = BadField("critical_or_important", "maybe")
    wrong_type = BadField("rto_hours", "soon")
    scoped_fk = "lab"

    def make(self, lab=None):
        return f.FunctionFactory(lab=lab or self.w.lab_a)

    def create_payload(self, lab):
        return {
            "lab": lab.id,
            "identifier": unique("F").replace(" ", ""),
            "name": "Model training",
            "licensed_activity": "x252",
            "critical_or_important": "yes",
            "reasons": "Stops research.",
            "last_assessed_on": "2025-01-15",
            "rto_hours": 24,
            "rpo_hours": 4,
            "discontinuation_impact": "high",
        }

    def put_payload(self, obj):
        return {
            "lab": obj.lab_id,
            "identifier": obj.identifier,
            "name": f"{obj.name} renamed",
            "critical_or_important": "no",
        }

    def patch_payload(self, obj):
        return {"rto_hours": 48}

    def filter_case(self):
        wanted = f.FunctionFactory(lab=self.w.lab_a, critical_or_important="yes")
        return (
            {"critical_or_important": "yes"},
            wanted,
            f.FunctionFactory(lab=self.w.lab_a, critical_or_important="no"),
        )

    def search_case(self):
        wanted = f.FunctionFactory(lab=self.w.lab_a, name="Zephyr training")
        return "Zephyr", wanted, f.FunctionFactory(lab=self.w.lab_a, name="Quartz training")


class VendorDependencyResource(Resource):
    name = "vendor-dependencies"
    path = "/api/vendor-dependencies/"
    basename = "vendordependency"
    model = VendorDependency
    write_roles = PROCUREMENT
    ordering = "created_at"
    list_queries = 2
    required = "depends_on"
    long_text = ("description", 10_000)
    nul_text = "description"
    unknown_fk = "depends_on"
    wrong_type = BadField("shares_data", "sometimes")

    def make(self, lab=None):
        return f.VendorDependencyFactory()

    def create_payload(self, lab):
        return {
            "vendor": self.w.vendor_a.id,
            "depends_on": f.VendorFactory().id,
            "shares_data": True,
            "description": "Hosts the annotation platform.",
        }

    def put_payload(self, obj):
        return {
            "vendor": obj.vendor_id,
            "depends_on": f.VendorFactory().id,
            "shares_data": False,
            "description": "Moved.",
        }

    def patch_payload(self, obj):
        return {"shares_data": False}

    def filter_case(self):
        return (
            {"shares_data": "false"},
            f.VendorDependencyFactory(shares_data=False),
            f.VendorDependencyFactory(),
        )

    def search_case(self):
        wanted = f.VendorDependencyFactory(description="Zephyr subprocessor")
        return "Zephyr", wanted, f.VendorDependencyFactory(description="Quartz subprocessor")


# --- incidents app --------------------------------------------------------------------------------


class IncidentResource(Resource):
    name = "incidents"
    path = "/api/incidents/"
    basename = "incident"
    model = Incident
    covers = (IncidentUpdate,)  # every status change writes one
    write_roles = SECURITY
    ordering = "records_affected"
    list_queries = 3  # + the ids of the users the caller may see (names)
    required = "discovered_at"
    long_text = ("title", 200)
    nul_text = "description"
    unknown_fk = "vendor"
    unknown_choice = BadField("severity", "apocalyptic")
    wrong_type = BadField("records_affected", "many")
    not_echoed = frozenset({"note"})

    def make(self, lab=None):
        return f.IncidentFactory(reported_by=f.UserFactory(), records_affected=next(_serial))

    def create_payload(self, lab):
        return {
            "vendor": self.w.vendor_a.id,
            "title": unique("Breach"),
            "description": "Credentials leaked.",
            "severity": "critical",
            "attack_vector": "credential_theft",
            "data_exposure": "confirmed",
            "data_categories_exposed": ["training_data"],
            "records_affected": 1200,
            "occurred_at": "2025-02-27T09:00:00Z",
            "discovered_at": "2025-03-01T12:00:00Z",
        }

    def put_payload(self, obj):
        return {
            "vendor": obj.vendor_id,
            "title": f"{obj.title} (updated)",
            "severity": "low",
            "status": "investigating",
            "data_exposure": "none",
            "discovered_at": iso(obj.discovered_at),
        }

    def patch_payload(self, obj):
        return {"severity": "critical"}

    def filter_case(self):
        return (
            {"severity": "critical"},
            f.IncidentFactory(severity="critical"),
            f.IncidentFactory(severity="low"),
        )

    def search_case(self):
        return "Zephyr", f.IncidentFactory(title="Zephyr leak"), f.IncidentFactory(title="Quartz leak")


class IncidentUpdateResource(Resource):
    name = "incident-updates"
    path = "/api/incidents/{id}/updates/"
    basename = "incident-update"
    model = IncidentUpdate
    methods = frozenset({"GET", "POST"})
    write_roles = SECURITY
    has_detail = False
    ordering = "created_at"
    list_queries = 4  # + the ids of the users the caller may see (names)
    required = "body"
    long_text = ("body", 10_000)
    nul_text = "body"
    wrong_type = BadField("body", {"text": "not a string"})

    def __init__(self, world):
        super().__init__(world)
        self.incident = f.IncidentFactory(vendor=world.vendor_a)

    def url_kwargs(self):
        return {"incident_pk": self.incident.pk}

    def make(self, lab=None):
        return f.IncidentUpdateFactory(incident=self.incident, author=f.UserFactory())

    def create_payload(self, lab):
        return {"body": "The vendor rotated every key."}

    def filter_case(self):
        old = f.IncidentUpdateFactory(
            incident=self.incident, created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        new = f.IncidentUpdateFactory(incident=self.incident)
        return {"created_at_after": "2024-01-01T00:00:00Z"}, new, old

    def search_case(self):
        wanted = f.IncidentUpdateFactory(incident=self.incident, body="Zephyr confirmed")
        return "Zephyr", wanted, f.IncidentUpdateFactory(incident=self.incident, body="Quartz confirmed")


class LabResponseResource(Resource):
    name = "incident-responses"
    path = "/api/incidents/{id}/responses/"
    basename = "incident-response"
    model = LabResponse
    methods = frozenset({"GET", "POST", "PUT", "PATCH"})
    write_roles = SECURITY
    lab_owned = True
    ordering = "decided_at"
    list_queries = 5  # + the ids of the users the caller may see (names)
    required = "reason"
    long_text = ("reason", 10_000)
    nul_text = "reason"
    unknown_fk = "lab"
    unknown_choice = BadField("decision", "panic")
    wrong_type = BadField("aware_at", "last tuesday")
    scoped_fk = "lab"

    def __init__(self, world):
        super().__init__(world)
        self.incident = f.IncidentFactory(vendor=world.vendor_a)

    def url_kwargs(self):
        return {"incident_pk": self.incident.pk}

    def _free_lab(self, lab: Lab) -> Lab:
        """``lab`` — or a sibling with the same members when it already responded (one per lab) —
        exposed to the incident (only exposed labs respond): engaged with its vendor before it happened."""
        if LabResponse.objects.filter(incident=self.incident, lab=lab).exists():
            lab = sibling_lab(lab)
        if not Engagement.objects.filter(lab=lab, vendor=self.incident.vendor).exists():
            f.EngagementFactory(lab=lab, vendor=self.incident.vendor)
        return lab

    def make(self, lab=None, **kwargs):
        lab = self._free_lab(lab or self.w.lab_a)
        return f.LabResponseFactory(incident=self.incident, lab=lab, decided_by=f.UserFactory(), **kwargs)

    def create_payload(self, lab):
        return {
            "lab": self._free_lab(lab).id,
            "decision": "halt",
            "data_confirmed_exposed": "yes",
            "aware_at": "2025-03-01T15:00:00Z",
            "reason": "We stopped all work until the vendor reports.",
        }

    def put_payload(self, obj):
        return {"lab": obj.lab_id, "decision": "continue", "reason": "The vendor fixed it."}

    def patch_payload(self, obj):
        return {"decision": "halt"}

    def filter_case(self):
        wanted = self.make(decision="halt")
        return {"decision": "halt"}, wanted, self.make(decision="continue")

    def search_case(self):
        return "Zephyr", self.make(reason="Zephyr said so"), self.make(reason="Quartz said so")


class NotificationResource(Resource):
    name = "notifications"
    path = "/api/notifications/"
    basename = "notification"
    model = Notification
    methods = frozenset({"GET", "PATCH"})
    write_roles = SECURITY
    lab_owned = True
    ordering = "due_at"
    list_queries = 3
    long_text = ("reference", 200)
    nul_text = "reference"
    wrong_type = BadField("submitted_at", "soon")

    def make(self, lab=None, **kwargs):
        return f.NotificationFactory(lab=lab or self.w.lab_a, **kwargs)

    def patch_payload(self, obj):
        return {"submitted_at": iso(timezone.now() - dt.timedelta(hours=1)), "reference": "DPA-2025-17"}

    def bad_input_request(self, lab):
        target = self.make(lab)
        return "patch", self.detail_url(target), self.patch_payload(target)

    def filter_case(self):
        wanted = self.make(regime="nis2", stage="early_warning")
        return {"regime": "nis2"}, wanted, self.make(regime="gdpr")

    def search_case(self):
        return "ZEPH", self.make(reference="ZEPH-1"), self.make(reference="QUARTZ-1")


# --- assessments app ------------------------------------------------------------------------------


class QuestionnaireResource(Resource):
    name = "questionnaires"
    path = "/api/questionnaires/"
    basename = "questionnaire"
    model = Questionnaire
    covers = (Question,)  # written and read as the questionnaire's nested questions
    write_roles = SECURITY
    ordering = "name"
    list_queries = 3
    required = "name"
    long_text = ("name", 200)
    nul_text = "description"
    unknown_choice = BadField(
        "questions",
        [
            {"code": "Q1", "text": "Yes?"},
            {"code": "Q2", "text": "So?", "condition": {"question": "Q1", "responses": ["maybe"]}},
        ],
    )
    wrong_type = BadField("questions", "Q1, Q2")
    not_echoed = frozenset({"questions"})

    def make(self, lab=None):
        return f.QuestionnaireFactory(questions=2)

    def create_payload(self, lab):
        return {
            "name": unique("Vendor review"),
            "source": "NIST SP 800-53r5",
            "description": "Supply-chain controls.",
            "questions": [
                {"code": "SR-3", "domain": "Supply chain", "text": "Controls in place?", "weight": "2"},
                {
                    "code": "SR-6",
                    "text": "Are suppliers assessed?",
                    "condition": {"question": "SR-3", "responses": ["yes", "partial"]},
                },
            ],
        }

    def put_payload(self, obj):
        return {
            "name": f"{obj.name} renamed",
            "source": "ISO 27001",
            "description": "",
            "questions": [{"code": "A.5", "text": "Policies?"}],
        }

    def patch_payload(self, obj):
        return {"description": "Patched."}

    def filter_case(self):
        wanted = f.QuestionnaireFactory(source="ISO 27036")
        return {"source": "27036"}, wanted, f.QuestionnaireFactory(source="NIST SP 800-161")

    def search_case(self):
        return (
            "Zephyr",
            f.QuestionnaireFactory(name="Zephyr review"),
            f.QuestionnaireFactory(name="Quartz review"),
        )


class AssessmentResource(Resource):
    name = "assessments"
    path = "/api/assessments/"
    basename = "assessment"
    model = Assessment
    methods = frozenset({"GET", "POST", "PATCH", "DELETE"})
    write_roles = SECURITY
    ordering = "valid_until"
    list_queries = 3  # + the ids of the users the caller may see (names)
    required = "questionnaire"
    long_text = ("notes", 10_000)
    nul_text = "notes"
    unknown_fk = "questionnaire"
    unknown_choice = BadField("status", "finished")
    wrong_type = BadField("vendor", "Vendor Alpha")

    def make(self, lab=None, **kwargs):
        kwargs.setdefault("valid_until", dt.date(2026, 1, 1) + dt.timedelta(days=next(_serial)))
        return f.AssessmentFactory(assessor=f.UserFactory(), **kwargs)

    def create_payload(self, lab):
        return {
            "vendor": self.w.vendor_a.id,
            "questionnaire": f.QuestionnaireFactory(questions=2).id,
            "status": "draft",
            "notes": "Annual review.",
        }

    def patch_payload(self, obj):
        return {"status": "in_progress", "notes": "Started."}

    def filter_case(self):
        return {"status": "in_progress"}, self.make(status="in_progress"), self.make(status="draft")

    def search_case(self):
        return "Zephyr", self.make(notes="Zephyr follow-up"), self.make(notes="Quartz follow-up")


class FindingResource(Resource):
    name = "findings"
    path = "/api/findings/"
    basename = "finding"
    model = Finding
    write_roles = SECURITY
    ordering = "due_on"
    list_queries = 3  # + the ids of the users the caller may see (names)
    required = "title"
    long_text = ("title", 200)
    nul_text = "description"
    unknown_fk = "assessment"
    unknown_choice = BadField("severity", "meh")
    wrong_type = BadField("due_on", "next week")

    def make(self, lab=None, **kwargs):
        kwargs.setdefault("due_on", dt.date(2030, 1, 1) + dt.timedelta(days=next(_serial)))
        return f.FindingFactory(owner=f.UserFactory(), **kwargs)

    def create_payload(self, lab):
        return {
            "assessment": f.AssessmentFactory(vendor=self.w.vendor_a).id,
            "title": unique("No MFA on admin accounts"),
            "severity": "high",
            "due_on": "2030-06-30",
        }

    def put_payload(self, obj):
        return {
            "assessment": obj.assessment_id,
            "title": f"{obj.title} (restated)",
            "severity": "low",
            "status": "accepted",
        }

    def patch_payload(self, obj):
        return {"status": "remediating"}

    def filter_case(self):
        today = timezone.now().date()
        overdue = self.make(due_on=today - dt.timedelta(days=1))
        return {"overdue": "true"}, overdue, self.make(due_on=today + dt.timedelta(days=1))

    def search_case(self):
        return "Zephyr", self.make(title="Zephyr keys"), self.make(title="Quartz keys")


# --- project --------------------------------------------------------------------------------------


class WhatIfPlanResource(Resource):
    """Saved what-if plans (DESIGN.md section 9): a lab's, shared with its users; saved by procurement
    and security, as on the planning page."""

    name = "what-if-plans"
    path = "/api/what-if/plans/"
    basename = "what-if-plan"
    model = WhatIfPlan
    write_roles = PROCUREMENT | SECURITY
    lab_owned = True
    ordering = "name"
    list_queries = 3
    required = "name"
    long_text = ("name", 200)
    nul_text = "name"
    wrong_type = BadField("changes", "soon")
    scoped_fk = "lab"

    def changes(self) -> list:
        return [{"op": "assess", "vendor": self.w.vendor_a.id, "rating": "strong"}]

    def make(self, lab=None):
        return WhatIfPlan.objects.create(
            name=unique("Plan"), lab=lab or self.w.lab_a, changes=self.changes(), created_by=f.UserFactory()
        )

    def create_payload(self, lab):
        return {"name": unique("Plan"), "lab": lab.id, "changes": self.changes()}

    def put_payload(self, obj):
        return {"name": f"{obj.name} renamed", "lab": obj.lab_id, "changes": self.changes() * 2}

    def patch_payload(self, obj):
        return {"name": f"{obj.name} again"}

    def filter_case(self):
        wanted = self.make(self.w.lab_a)
        return {"lab": self.w.lab_a.id}, wanted, self.make(self.w.lab_b)

    def search_case(self):
        wanted = WhatIfPlan.objects.create(name="Zephyr plan", lab=self.w.lab_a, changes=[])
        return "Zephyr", wanted, WhatIfPlan.objects.create(name="Quartz plan", lab=self.w.lab_a, changes=[])


class AuditResource(Resource):
    name = "audit"
    path = "/api/audit/"
    basename = "audit"
    model = LogEntry
    methods = frozenset({"GET"})
    read_roles = SECURITY
    write_roles = frozenset()
    lab_owned = True  # entries about lab-owned rows belong to that lab
    audited = False
    ordering = "timestamp"
    list_queries = 3

    def make(self, lab=None):
        """The audit entry of a new engagement of ``lab`` (every factory row is audited)."""
        return LogEntry.objects.get_for_object(f.EngagementFactory(lab=lab or self.w.lab_a)).get()

    def filter_case(self):
        wanted = LogEntry.objects.get_for_object(f.VendorFactory()).get()
        return {"object_type": "vendors.vendor"}, wanted, self.make()

    def search_case(self):
        wanted = LogEntry.objects.get_for_object(f.VendorFactory(name="Zephyr vendor")).get()
        return "Zephyr", wanted, LogEntry.objects.get_for_object(f.VendorFactory(name="Quartz vendor")).get()


class UserResource(Resource):
    name = "users"
    path = "/api/users/"
    basename = "user"
    model = User
    read_roles = ADMIN
    write_roles = ADMIN
    ordering = "username"
    list_queries = 3
    required = "username"
    long_text = ("username", 150)
    nul_text = "first_name"
    unknown_fk = "labs"
    unknown_choice = BadField("role", "overlord")
    wrong_type = BadField("all_labs", "sometimes")
    not_echoed = frozenset({"password"})

    def make(self, lab=None):
        return f.UserFactory(role="viewer", labs=[f.LabFactory(), f.LabFactory()])

    def create_payload(self, lab):
        return {
            "username": unique("analyst").replace(" ", "_"),
            "password": "Orbital-Tangerine-42",
            "email": "analyst@example.test",
            "role": "procurement",
            "all_labs": False,
            "labs": [lab.id],
        }

    def put_payload(self, obj):
        return {"username": obj.username, "role": "security", "all_labs": True, "labs": []}

    def patch_payload(self, obj):
        return {"role": "security"}

    def filter_case(self):
        wanted = f.UserFactory(role="security", all_labs=True)
        return {"role": "security"}, wanted, f.UserFactory(role="viewer", all_labs=True)

    def search_case(self):
        wanted = f.UserFactory(username="zephyr_ops", all_labs=True)
        return "zephyr", wanted, f.UserFactory(username="quartz_ops", all_labs=True)


RESOURCES: list[type[Resource]] = [
    LabResource,
    VendorResource,
    EngagementResource,
    VendorDependencyResource,
    FunctionResource,
    IncidentResource,
    IncidentUpdateResource,
    LabResponseResource,
    NotificationResource,
    QuestionnaireResource,
    AssessmentResource,
    FindingResource,
    WhatIfPlanResource,
    AuditResource,
    UserResource,
]

WRITABLE = [r for r in RESOURCES if r.methods & {"POST", "PUT", "PATCH"}]


def by_name(name: str) -> type[Resource]:
    return next(r for r in RESOURCES if r.name == name)

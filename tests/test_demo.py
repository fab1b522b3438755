"""`manage.py load_demo`: the fictional demo world, its shape, idempotency and demo users."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, Finding, Question, Questionnaire
from incidents.models import Incident, IncidentUpdate, LabResponse
from vendorrisk import demo
from vendorrisk.core.dates import add_months
from vendors.models import Engagement, Lab, Vendor, VendorDependency

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-42"

REAL_COMPANIES = [
    "Scale AI", "Scale", "Surge", "Mercor", "OpenAI", "Anthropic", "Google", "DeepMind", "Meta", "Appen",
    "Turing", "Labelbox", "Snorkel", "Sama", "Toloka", "Invisible", "Handshake", "Micro1", "Outlier",
    "Remotasks", "TaskUs", "Telus", "iMerit", "CloudFactory", "Defined.ai", "Prolific", "Upwork", "Fiverr",
    "Amazon", "AWS", "Microsoft", "Azure", "Nvidia", "CoreWeave", "Lambda", "Hugging Face", "Cohere",
    "Mistral", "xAI", "Databricks", "Snowflake", "Gretel", "Mostly AI", "Dataloop", "SuperAnnotate",
    "V7", "Encord", "Cogito", "Shaip", "LXT", "Welocalize", "Lionbridge", "Gartner", "GLG", "AlphaSights",
    "Tegus", "Datadog", "Okta", "Zendesk", "Atlassian", "Dropbox", "Box", "Backblaze", "Wasabi",
]  # fmt: skip


def load(password=PASSWORD):
    return demo.load_demo(password=password)


def score_of(responses: dict, questions) -> tuple:
    """The services' questionnaire score and rating (the demo has none of its own)."""
    score = assessment_services.assessment_score(questions, responses)
    return score, assessment_services.rating_for(score)


def world_counts() -> dict:
    return {
        "labs": Lab.objects.count(),
        "vendors": Vendor.objects.count(),
        "engagements": Engagement.objects.count(),
        "dependencies": VendorDependency.objects.count(),
        "incidents": Incident.objects.count(),
        "incident_updates": IncidentUpdate.objects.count(),
        "responses": LabResponse.objects.count(),
        "questionnaires": Questionnaire.objects.count(),
        "questions": Question.objects.count(),
        "assessments": Assessment.objects.count(),
        "answers": sum(a.answers.count() for a in Assessment.objects.all()),
        "findings": Finding.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": sum(lab.members.count() for lab in Lab.objects.all()),
    }


def has_cycle(edges: list[tuple[int, int]]) -> bool:
    graph: dict[int, list[int]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state: dict[int, int] = {}  # 1 on the stack, 2 done

    def visit(node) -> bool:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(graph))


def test_world_has_the_scenario_counts():
    summary = load()
    assert Lab.objects.count() == 5
    assert Vendor.objects.count() == 25
    assert Engagement.objects.count() == 60
    assert summary.counts["engagements"] == 60
    assert set(Engagement.objects.values_list("status", flat=True)) == {
        "proposed",
        "active",
        "suspended",
        "ended",
    }
    assert set(Engagement.objects.values_list("criticality", flat=True)) == {
        "low",
        "medium",
        "high",
        "critical",
    }
    assert set(Engagement.objects.values_list("data_sensitivity", flat=True)) == {
        "public",
        "internal",
        "confidential",
        "restricted",
    }
    assert set(Engagement.objects.values_list("substitutability", flat=True)) == {
        "easy",
        "moderate",
        "difficult",
        "none",
    }
    ended = Engagement.objects.filter(status="ended")
    assert ended.filter(data_disposed_on__isnull=False).exists()
    assert ended.filter(data_disposed_on__isnull=True).exists()
    assert all(e.end_date is not None for e in ended)
    # Every vendor category is used; every lab has engagements; regimes are varied.
    assert set(Vendor.objects.values_list("category", flat=True)) == {
        "data_labeling",
        "data_broker",
        "expert_network",
        "evaluation",
        "compute",
        "software",
        "other",
    }
    assert all(lab.engagements.count() >= 10 for lab in Lab.objects.all())
    regimes = {r for lab in Lab.objects.all() for r in lab.regimes}
    assert regimes == {"gdpr", "nis2", "dora", "sec", "hipaa"}


def test_dates_follow_today_and_values_have_currencies():
    load()
    today = timezone.now().date()
    for e in Engagement.objects.all():
        if e.status == "proposed":
            assert e.start_date > today
        else:
            assert e.start_date <= today
        if e.data_disposed_on:
            assert e.start_date <= e.data_disposed_on <= today
        if e.annual_value is not None:
            assert len(e.currency) == 3
    assert Engagement.objects.filter(annual_value__isnull=False).count() >= 50
    assert {"USD", "EUR", "GBP"} <= set(Engagement.objects.values_list("currency", flat=True))


def test_vendor_group_with_two_brands():
    load()
    groups = [v for v in Vendor.objects.filter(parent__isnull=True) if v.children.count() == 2]
    assert len(groups) == 1
    group = groups[0]
    brands = list(group.children.all())
    assert all(b.parent_id == group.id for b in brands)
    assert "data_labeling" in {b.category for b in brands}
    assert all(b.root_id() == group.id for b in brands)
    assert Vendor.objects.filter(parent__isnull=False).count() == 2


def test_shared_platform_cycle_and_a_non_data_edge():
    load()
    platform = Vendor.objects.get(name="Annotrix Cloud")
    dependents = VendorDependency.objects.filter(depends_on=platform, shares_data=True)
    assert dependents.count() >= 3
    assert platform.category == "software"
    edges = list(VendorDependency.objects.values_list("vendor_id", "depends_on_id"))
    assert has_cycle(edges)
    names = {
        (d.vendor.name, d.depends_on.name)
        for d in VendorDependency.objects.select_related("vendor", "depends_on")
    }
    assert {
        ("Quorumwise Experts", "Rubricon Evals"),
        ("Rubricon Evals", "Sablecrest Synthetic"),
        ("Sablecrest Synthetic", "Quorumwise Experts"),
    } <= names
    assert VendorDependency.objects.filter(shares_data=False).count() == 1


def test_big_contractor_incident_and_lab_responses():
    load()
    assert Incident.objects.count() == 2
    big = Incident.objects.get(severity="critical")
    assert big.status == "investigating"
    assert big.data_exposure == "confirmed"
    assert big.data_categories_exposed == ["training_data", "evaluation_benchmarks", "synthetic_data_methods"]
    now = timezone.now()
    assert now - timedelta(days=7) < big.discovered_at < now
    assert big.occurred_at <= big.discovered_at
    # Several labs depend on the contractor (exposing engagements in at least three labs).
    exposing_labs = {e.lab_id for e in Engagement.objects.filter(vendor=big.vendor) if e.is_exposing}
    assert len(exposing_labs) >= 3
    decisions = {r.lab.name: r for r in big.responses.select_related("lab")}
    assert {r.decision for r in decisions.values()} >= {"halt", "continue"}
    assert "investigating" in {r.decision for r in decisions.values()}
    assert all(r.reason and r.decided_by.username == "admin" for r in decisions.values())
    assert {r.lab_id for r in decisions.values()} <= exposing_labs
    # The timeline records the status change made through the service.
    assert big.updates.filter(status_from="reported", status_to="investigating").count() == 1
    small = Incident.objects.exclude(pk=big.pk).get()
    assert small.severity == "medium" and small.status == "contained"
    assert small.vendor_id != big.vendor_id


def test_assessments_and_findings():
    load()
    completed = Assessment.objects.get(status="completed")
    in_progress = Assessment.objects.get(status="in_progress")
    assert completed.vendor_id != in_progress.vendor_id
    assert completed.completed_at is not None and completed.valid_until > timezone.now().date()
    assert completed.rating
    questions = list(completed.questionnaire.questions.all())
    responses = dict(completed.answers.values_list("question_id", "response"))
    assert completed.score == score_of(responses, questions)[0]
    assert completed.rating == score_of(responses, questions)[1]
    assert 0 < in_progress.answers.count() < len(list(in_progress.questionnaire.questions.all()))
    today = timezone.now().date()
    overdue = Finding.objects.filter(status__in=["open", "remediating"], due_on__lt=today)
    assert overdue.count() == 1
    assert Finding.objects.filter(due_on__gte=today).exists()


def test_completed_state_is_written_by_the_services_at_the_scenario_time():
    # The demo has no scoring or validity of its own: assessment_complete writes them, dated 60 days ago.
    load()
    completed = Assessment.objects.get(status="completed")
    questions = list(completed.questionnaire.questions.all())
    responses = dict(completed.answers.values_list("question_id", "response"))
    score, rating = score_of(responses, questions)
    assert (completed.score, completed.rating) == (score, rating)
    assert completed.completed_at.date() == timezone.now().date() - timedelta(days=60)
    # The vendor's highest exposing criticality is high: valid for 12 months.
    assert completed.valid_until == add_months(completed.completed_at.date(), 12)


def test_score_formula_the_demo_relies_on():
    qs = [Question(id=1, weight=1), Question(id=2, weight=2), Question(id=3, weight=1)]
    assert score_of({1: "yes", 2: "partial", 3: "na"}, qs) == (Decimal("66.7"), "needs_improvement")
    assert score_of({1: "yes", 2: "yes", 3: "partial"}, qs)[1] == "strong"  # 87.5
    assert add_months(date(2025, 8, 31), 6).isoformat() == "2026-02-28"


def test_the_demo_has_no_scoring_or_dates_of_its_own():
    # The dead fallbacks from before the services are gone; the services' own rules are the only ones.
    for name in ("_score", "add_months", "_validity_months"):
        assert not hasattr(demo, name), name
    source = "\n".join(p.read_text() for p in Path(demo.__file__).parent.glob("*.py"))
    for rule in ("is_exposing", "VALIDITY_MONTHS", "ROUND_HALF_UP", "def add_months", "dirty.mark"):
        assert rule not in source, rule


def test_timeline_keeps_the_scenario_times():
    # Timeline entries are dated when they happened in the story, not all at load time, and stay in order.
    load()
    now = timezone.now()
    big = Incident.objects.get(severity="critical")
    entries = list(big.updates.order_by("created_at", "id"))
    assert [e.status_to for e in entries[:2]] == ["reported", "investigating"]
    assert entries[0].created_at == big.discovered_at
    assert entries[1].created_at == big.vendor_confirmed_at
    assert [e.body for e in entries[2:]] == [
        "Vendor confirmed exfiltration from project workspaces; forensic firm engaged.",
        "Vendor rotated all contractor credentials and disabled workspace exports.",
    ]
    times = [e.created_at for e in entries]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(t < now - timedelta(hours=1) for t in times)
    small = Incident.objects.get(severity="medium")
    assert all(u.created_at < now - timedelta(days=30) for u in small.updates.all()[:2])


def test_running_twice_leaves_the_same_world():
    load()
    first = world_counts()
    audit_entries = LogEntry.objects.count()
    summary = load()
    assert world_counts() == first
    assert summary.created == {}
    assert summary.updated == {}
    assert LogEntry.objects.count() == audit_entries  # nothing was rewritten


def test_rerun_brings_changed_records_back():
    load()
    engagement = Engagement.objects.get(title="Math eval benchmark authoring")
    Engagement.objects.filter(pk=engagement.pk).update(status="proposed", criticality="low")
    Lab.objects.filter(name="Quillfeather Labs").update(regimes=[])
    summary = load()
    engagement.refresh_from_db()
    assert (engagement.status, engagement.criticality) == ("active", "critical")
    assert Lab.objects.get(name="Quillfeather Labs").regimes == ["gdpr", "dora"]
    assert summary.updated == {"labs": 1, "engagements": 1}
    assert Engagement.objects.count() == 60


def test_rerun_brings_related_records_and_decisions_back():
    load()
    brand = Vendor.objects.get(name="Tallyforge Labeling")
    Vendor.objects.filter(pk=brand.pk).update(parent=None)
    engagement = Engagement.objects.get(title="Agent trajectory grading")
    Engagement.objects.filter(pk=engagement.pk).update(owner=get_user_model().objects.get(username="viewer"))
    response = LabResponse.objects.get(lab__name="Northwind Intelligence Lab")
    LabResponse.objects.filter(pk=response.pk).update(decision="continue")
    finding = Finding.objects.get(status="open")
    Finding.objects.filter(pk=finding.pk).update(owner=None, due_on=None)
    summary = load()
    brand.refresh_from_db()
    engagement.refresh_from_db()
    response.refresh_from_db()
    finding.refresh_from_db()
    assert brand.parent.name == "Tallyforge Group"
    assert engagement.owner.username == "procurement"
    assert response.decision == "halt"
    assert (finding.owner.username, finding.due_on) == (
        "security",
        timezone.now().date() - timedelta(days=20),
    )
    assert summary.updated == {"vendors": 1, "engagements": 1, "lab responses": 1, "findings": 1}
    assert summary.created == {}


def test_admin_authenticates_and_passwords_are_updated():
    load(password="first-pass-1")
    request = RequestFactory().post("/accounts/login/")
    admin = authenticate(request, username="admin", password="first-pass-1")
    assert admin is not None and admin.role == "admin" and admin.is_superuser
    load(password="second-pass-2")
    for username in ("admin", "security", "procurement", "viewer", "analyst"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password("second-pass-2"), username
        assert not user.check_password("first-pass-1"), username
    assert authenticate(RequestFactory().post("/"), username="admin", password="second-pass-2") is not None


def test_demo_users_roles_and_lab_limits():
    load()
    User = get_user_model()
    roles = {
        u.username: (u.role, u.all_labs, sorted(u.labs.values_list("name", flat=True)))
        for u in User.objects.all()
    }
    assert roles["admin"][:2] == ("admin", True)
    assert roles["security"][:2] == ("security", True)
    assert roles["procurement"][:2] == ("procurement", True)
    assert roles["viewer"][0] == "viewer" and roles["viewer"][1] is False and len(roles["viewer"][2]) == 1
    assert (
        roles["analyst"][0] == "security" and roles["analyst"][1] is False and len(roles["analyst"][2]) == 2
    )
    # The viewer's lab is one exposed to the big incident, so the limited view has something to show.
    viewer_lab = User.objects.get(username="viewer").labs.get()
    assert LabResponse.objects.filter(lab=viewer_lab, incident__severity="critical").exists()


def test_writes_go_through_the_services_as_admin():
    load()
    vendor = Vendor.objects.get(name="Vellumark Data")
    entry = LogEntry.objects.get_for_object(vendor).get(action=LogEntry.Action.CREATE)
    assert entry.actor.username == "admin"
    engagement = Engagement.objects.filter(vendor=vendor).first()
    assert LogEntry.objects.get_for_object(engagement).filter(actor__username="admin").exists()


def test_no_real_company_names():
    load()
    texts = []
    for lab in Lab.objects.all():
        texts += [lab.name, lab.description]
    for v in Vendor.objects.all():
        texts += [v.name, v.legal_name, v.description]
        assert v.website.endswith(".example"), v.website
    texts += list(Engagement.objects.values_list("title", flat=True))
    texts += list(Engagement.objects.values_list("notes", flat=True))
    for i in Incident.objects.all():
        texts += [i.title, i.description]
    texts += list(LabResponse.objects.values_list("reason", flat=True))
    texts += list(Finding.objects.values_list("title", flat=True))
    texts += list(get_user_model().objects.values_list("username", flat=True))
    blob = "\n".join(texts)
    for name in REAL_COMPANIES:
        assert not re.search(rf"\b{re.escape(name)}\b", blob, re.IGNORECASE), name


def test_the_command_prints_a_summary(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "from-env-77")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "5 labs, 25 vendors" in text
    assert "Engagements: 60" in text
    assert get_user_model().objects.get(username="admin").check_password("from-env-77")
    out = io.StringIO()
    call_command("load_demo", "--password", "explicit-88", stdout=out)
    assert "created nothing" in out.getvalue()
    assert get_user_model().objects.get(username="viewer").check_password("explicit-88")


def test_uses_the_shipped_nist_questionnaire_when_present():
    admin = get_user_model().objects.create_user("someone", password="x-unused-1", role="admin")
    nist = Questionnaire.objects.filter(name=demo.NIST_QUESTIONNAIRE).order_by("-version").first()
    if nist is None:
        nist = assessment_services.questionnaire_create(
            actor=admin,
            name=demo.NIST_QUESTIONNAIRE,
            source="NIST SP 800-53r5",
            questions=[
                {"code": "SR-1", "text": "Policy?"},
                {"code": "SR-2", "text": "Uses subprocessors?", "weight": 2},
                {
                    "code": "SR-3",
                    "text": "Flow-down?",
                    "condition": {"question": "SR-2", "responses": ["yes"]},
                },
                {"code": "SR-5", "text": "Acquisition strategies?"},
            ],
        )
    load()
    assert set(Assessment.objects.values_list("questionnaire_id", flat=True)) == {nist.id}
    assert not Questionnaire.objects.filter(name=demo.DEMO_QUESTIONNAIRE).exists()
    completed = Assessment.objects.get(status="completed")
    questions = list(nist.questions.all())
    responses = dict(completed.answers.values_list("question_id", "response"))
    applicable = assessment_services.applicable_questions(questions, responses)
    assert {q.id for q in applicable} == set(responses)
    assert completed.score == assessment_services.assessment_score(questions, responses)
    load()
    assert Assessment.objects.count() == 2


def test_score_history_is_spread_over_the_story_and_a_rerun_adds_none():
    from assessments.models import LabConcentrationHistory, VendorScore, VendorScoreHistory

    load()
    now = timezone.now()
    stamps = sorted(set(VendorScoreHistory.objects.values_list("computed_at", flat=True)))
    assert len(stamps) >= 4, stamps  # set-up, the assessment, each incident's discovery
    assert stamps[0] < now - timedelta(days=60) and all(t < now - timedelta(hours=1) for t in stamps)
    # Concentration moves with engagements only: dated at the set-up, weeks ago, not at load time.
    assert set(LabConcentrationHistory.objects.values_list("computed_at", flat=True)) == {stamps[0]}
    # The breached vendor's history: rises at the incident's discovery, with the incident as its cause.
    big = Incident.objects.get(severity="critical")
    rows = list(VendorScoreHistory.objects.filter(vendor=big.vendor).order_by("computed_at", "id"))
    at_discovery = [r for r in rows if r.computed_at == big.discovered_at]
    assert at_discovery and at_discovery[0].score > rows[0].score
    assert any(c["cause"] == f"incident {big.id} created" for c in at_discovery[0].causes)
    # Every vendor's newest history row is its current score.
    for score in VendorScore.objects.all():
        newest = VendorScoreHistory.objects.filter(vendor_id=score.vendor_id).order_by("-computed_at", "-id")[
            0
        ]
        assert (newest.score, newest.band) == (score.score, score.band)
    history = VendorScoreHistory.objects.count(), LabConcentrationHistory.objects.count()
    load()
    assert (VendorScoreHistory.objects.count(), LabConcentrationHistory.objects.count()) == history
    assert sorted(set(VendorScoreHistory.objects.values_list("computed_at", flat=True))) == stamps

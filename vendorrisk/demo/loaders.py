"""One small loader per kind of record: scenario data in, rows out, written through the apps' services.

Every write goes through the same service function as the API (`vendors.services`,
`incidents.services`, `assessments.services`), with the demo's `admin` as the actor, so validation,
audit entries, score marks, notifications and timelines happen the normal way. Each loader finds the
scenario's record and hands it to `upsert`, which creates it or brings it back.
"""

from decimal import Decimal
from functools import partial

from django.contrib.auth import get_user_model

from assessments import services as assessment_services
from assessments.models import Assessment, Finding, Questionnaire
from incidents import services as incident_services
from incidents.models import Incident, LabResponse
from vendorrisk.core.audit import acting_as
from vendors import services as vendor_services
from vendors.models import Engagement, Lab, Vendor, VendorDependency

from . import scenario
from .answers import plan_answers
from .specs import UserSpec
from .upsert import changes, upsert
from .world import World


def load_user(world: World, spec: UserSpec, *, password: str):
    """Demo users keep the demo password, whatever its strength (`accounts.user_create` would refuse the
    default `admin`), so they are written here, validated and audited as the admin like the service does."""
    User = get_user_model()
    user = User.objects.filter(username=spec.username).first()
    created = user is None
    if created:
        user = User(username=spec.username)
    wanted = {
        "role": spec.role,
        "all_labs": spec.all_labs,
        "is_active": True,
        "email": f"{spec.username}@vendorrisk.example",
    }
    changed = bool(changes(user, wanted))
    for key, value in wanted.items():
        setattr(user, key, value)
    if created or not user.check_password(password):
        user.set_password(password)
        changed = True
    labs = None if spec.labs is None else {world.labs[key] for key in spec.labs}
    with acting_as(world.admin):  # None while the admin itself is made
        user.full_clean(exclude=["password"])
        if changed:
            user.save()
        if labs is not None and set(user.labs.all()) != labs:
            user.labs.set(labs)
            changed = True
    world.summary.count("users", created=created, changed=changed)
    world.users[spec.username] = user
    return user


def load_labs(world: World) -> None:
    for spec in scenario.LABS:
        world.labs[spec.key] = upsert(
            world.summary,
            "labs",
            found=Lab.objects.filter(name__iexact=spec.name).first(),
            data={"name": spec.name, "description": spec.description, "regimes": list(spec.regimes)},
            create=partial(vendor_services.lab_create, actor=world.admin),
            update=partial(vendor_services.lab_update, actor=world.admin),
        )


def load_vendors(world: World) -> None:
    for spec in scenario.VENDORS:  # a group comes before its brands
        world.vendors[spec.key] = upsert(
            world.summary,
            "vendors",
            found=Vendor.objects.filter(name__iexact=spec.name).first(),
            data={
                "name": spec.name,
                "category": spec.category,
                "country": spec.country,
                "website": spec.website,
                "parent": world.vendors[spec.parent] if spec.parent else None,
                "legal_name": spec.legal_name,
                "description": spec.description,
                "status": spec.status,
            },
            create=partial(vendor_services.vendor_create, actor=world.admin),
            update=partial(vendor_services.vendor_update, actor=world.admin),
        )


def load_dependencies(world: World) -> None:
    for spec in scenario.DEPENDENCIES:
        vendor, depends_on = world.vendors[spec.vendor], world.vendors[spec.depends_on]
        upsert(
            world.summary,
            "dependencies",
            found=VendorDependency.objects.filter(vendor=vendor, depends_on=depends_on).first(),
            data={"shares_data": spec.shares_data, "description": spec.description},
            create=partial(
                vendor_services.dependency_create, actor=world.admin, vendor=vendor, depends_on=depends_on
            ),
            update=partial(vendor_services.dependency_update, actor=world.admin),
        )


def load_engagements(world: World) -> None:
    owner = world.users[scenario.ENGAGEMENT_OWNER]
    for spec in scenario.ENGAGEMENTS:
        lab, vendor = world.labs[spec.lab], world.vendors[spec.vendor]
        value = spec.annual_value
        upsert(
            world.summary,
            "engagements",
            found=Engagement.objects.filter(lab=lab, vendor=vendor, title=spec.title).first(),
            data={
                "status": spec.status,
                "criticality": spec.criticality,
                "data_sensitivity": spec.data_sensitivity,
                "substitutability": spec.substitutability,
                "data_categories": list(spec.data_categories),
                "annual_value": None if value is None else Decimal(value).quantize(Decimal("0.01")),
                "currency": spec.currency,
                "start_date": world.day(spec.start_days),
                "end_date": world.day(spec.end_days),
                "data_disposed_on": world.day(spec.disposed_days),
                "notes": spec.notes,
                "owner": owner,
            },
            create=partial(
                vendor_services.engagement_create, actor=world.admin, lab=lab, vendor=vendor, title=spec.title
            ),
            update=partial(vendor_services.engagement_update, actor=world.admin),
        )


def _incident_create(world: World, spec, **data) -> Incident:
    """Reported, then confirmed by the vendor (the status move writes its timeline entry), then updates."""
    incident = incident_services.incident_create(
        actor=world.admin,
        status="reported",
        note=scenario.INCIDENT_REPORTED_NOTE,
        at=world.hours_ago(spec.discovered_hours_ago),
        **data,
    )
    confirmed_at = world.hours_ago(spec.confirmed_hours_ago)
    incident = incident_services.incident_update(
        actor=world.admin,
        instance=incident,
        status=spec.status,
        vendor_confirmed_at=confirmed_at,
        note=f"Vendor confirmed the incident; status {spec.status}.",
        at=confirmed_at,
    )
    # Spread the vendor's later updates between the confirmation and now.
    step = (world.now - confirmed_at) / (len(spec.updates) + 1)
    for index, body in enumerate(spec.updates, start=1):
        incident_services.incident_update_create(
            actor=world.admin, incident=incident, body=body, at=confirmed_at + step * index
        )
    return incident


def load_incidents(world: World) -> None:
    # Oldest first, each scored as of its discovery, so the history reads in the story's order.
    for spec in sorted(scenario.INCIDENTS, key=lambda spec: -spec.discovered_hours_ago):
        vendor = world.vendors[spec.vendor]
        world.incidents[spec.vendor] = upsert(
            world.summary,
            "incidents",
            found=Incident.objects.filter(vendor=vendor, title=spec.title).first(),
            data={
                "vendor": vendor,
                "title": spec.title,
                "description": spec.description,
                "severity": spec.severity,
                "attack_vector": spec.attack_vector,
                "data_exposure": spec.data_exposure,
                "data_categories_exposed": list(spec.data_categories_exposed),
                "records_affected": spec.records_affected,
                "occurred_at": world.hours_ago(spec.occurred_hours_ago),
                "discovered_at": world.hours_ago(spec.discovered_hours_ago),
            },
            create=partial(_incident_create, world, spec),
            update=None,  # the lifecycle only moves forward: an existing incident stays as the demo made it
        )
        world.settle(world.hours_ago(spec.discovered_hours_ago))


def load_lab_responses(world: World) -> None:
    for spec in scenario.RESPONSES:
        incident, lab = world.incidents[spec.incident_vendor], world.labs[spec.lab]
        upsert(
            world.summary,
            "lab responses",
            found=LabResponse.objects.filter(incident=incident, lab=lab).first(),
            data={
                "decision": spec.decision,
                "data_confirmed_exposed": spec.data_confirmed_exposed,
                "reason": spec.reason,
            },
            # aware_at follows the incident's (fixed) discovery, so it is written once.
            create_only={
                "aware_at": world.hours_ago(spec.aware_hours_ago),
                "decided_at": world.hours_ago(spec.aware_hours_ago - 2),
            },
            create=partial(
                incident_services.lab_response_create, actor=world.admin, incident=incident, lab=lab
            ),
            update=partial(incident_services.lab_response_update, actor=world.admin),
        )
        world.settle(world.hours_ago(spec.aware_hours_ago - 2))


def load_questionnaire(world: World) -> None:
    """The shipped NIST questionnaire when installed (with questions), else the demo's own."""
    nist = Questionnaire.objects.filter(name=scenario.NIST_QUESTIONNAIRE).order_by("-version").first()
    if nist is not None and not nist.questions.exists():
        nist = None
    own = Questionnaire.objects.filter(name=scenario.DEMO_QUESTIONNAIRE).order_by("-version").first()
    world.questionnaire = upsert(
        world.summary,
        "questionnaires",
        found=nist or own,
        data={
            "name": scenario.DEMO_QUESTIONNAIRE,
            "source": scenario.DEMO_QUESTIONNAIRE_SOURCE,
            "description": scenario.DEMO_QUESTIONNAIRE_DESCRIPTION,
            "questions": [
                {"code": q.code, "domain": q.domain, "text": q.text, "weight": q.weight}
                for q in scenario.DEMO_QUESTIONS
            ],
        },
        create=partial(assessment_services.questionnaire_create, actor=world.admin),
        update=None,  # questionnaires are versioned; the demo never rewrites one
    )
    world.summary.questionnaire = str(world.questionnaire)


def _assessment_create(world: World, spec, **data) -> Assessment:
    """Started, answered (the first share of the applicable questions), and completed when the scenario says so."""
    assessment = assessment_services.assessment_create(actor=world.admin, status="in_progress", **data)
    plan = plan_answers(world.questionnaire, spec.answered_share, world.rng)
    assessment_services.answers_put(
        actor=world.admin,
        assessment=assessment,
        answers=[{"question": q.id, "response": r, "comment": ""} for q, r in plan.items()],
    )
    if spec.status == "completed":
        assessment = assessment_services.assessment_complete(
            actor=world.admin,
            assessment=assessment,
            completed_at=world.hours_ago(-spec.completed_days * 24),
        )
    return assessment


def load_assessments(world: World) -> None:
    names = [scenario.NIST_QUESTIONNAIRE, scenario.DEMO_QUESTIONNAIRE]
    for spec in scenario.ASSESSMENTS:
        vendor = world.vendors[spec.vendor]
        world.assessments[spec.vendor] = upsert(
            world.summary,
            "assessments",
            found=Assessment.objects.filter(vendor=vendor, questionnaire__name__in=names)
            .order_by("id")
            .first(),
            data={
                "vendor": vendor,
                "questionnaire": world.questionnaire,
                "assessor": world.users[spec.assessor],
                "notes": spec.notes,
            },
            create=partial(_assessment_create, world, spec),
            update=None,  # answers and completion are locked once written; the demo keeps what it made
        )


def load_findings(world: World) -> None:
    for spec in scenario.FINDINGS:
        assessment = world.assessments[spec.assessment_vendor]
        upsert(
            world.summary,
            "findings",
            found=Finding.objects.filter(assessment=assessment, title=spec.title).first(),
            data={
                "severity": spec.severity,
                "status": spec.status,
                "owner": world.users[spec.owner],
                "due_on": world.day(spec.due_days),
                "description": spec.description,
            },
            create=partial(
                assessment_services.finding_create, actor=world.admin, assessment=assessment, title=spec.title
            ),
            update=partial(assessment_services.finding_update, actor=world.admin),
        )

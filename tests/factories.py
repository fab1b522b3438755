"""factory-boy factories for every model a test needs to make. Import from here; never build rows by hand.

Factories write rows directly (no services): no score marks, no timeline entries, no notification
upkeep. Use them to arrange a state; go through the API or the services to test behaviour.

Names are fictional and numbered (``Vendor 7``, ``Lab 3``) so they never collide with the conftest's
"Lab A" / "Lab B", whose names the scoping tests look for in response bodies.

    UserFactory(role="procurement", labs=[lab])   # limited to `lab`
    UserFactory(role="viewer", all_labs=True)     # sees every lab
    EngagementFactory(lab=lab, vendor=vendor, status="suspended")
    QuestionnaireFactory(questions=3)             # with three questions Q1..Q3
"""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Answer, Assessment, Evidence, Finding, Question, Questionnaire
from incidents.models import Incident, IncidentUpdate, LabResponse, Notification
from vendorrisk.models import ImportJob
from vendors.models import Engagement, Function, Lab, Vendor, VendorDependency

User = get_user_model()

PASSWORD = "Correct-horse-battery-9"  # every factory user's password (tests sign in with it)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role (default viewer). Pass ``labs=[...]`` to limit them, or ``all_labs=True``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    role = "viewer"
    all_labs = False
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def labs(self, create, extracted, **kwargs):
        if create and extracted:
            self.labs.set(extracted)


class LabFactory(factory.django.DjangoModelFactory):
    """A lab. ``members=[user, ...]`` limits those users to it (among their other labs)."""

    class Meta:
        model = Lab
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Lab {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = ""
    regimes = factory.LazyFunction(list)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    category = "data_labeling"
    status = "active"
    country = "US"


class EngagementFactory(factory.django.DjangoModelFactory):
    """An active engagement started on 2024-01-01 (exposing)."""

    class Meta:
        model = Engagement

    lab = factory.SubFactory(LabFactory)
    vendor = factory.SubFactory(VendorFactory)
    title = factory.Sequence(lambda n: f"Engagement {n}")
    status = "active"
    criticality = "high"
    data_sensitivity = "confidential"
    substitutability = "difficult"
    data_categories = factory.LazyFunction(lambda: ["training_data"])
    start_date = dt.date(2024, 1, 1)


class FunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Function

    lab = factory.SubFactory(LabFactory)
    identifier = factory.Sequence(lambda n: f"F{n}")
    name = factory.Sequence(lambda n: f"Function {n}")
    critical_or_important = "yes"


class VendorDependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorDependency

    vendor = factory.SubFactory(VendorFactory)
    depends_on = factory.SubFactory(VendorFactory)
    shares_data = True
    description = ""


class IncidentFactory(factory.django.DjangoModelFactory):
    """A reported incident with suspected exposure, discovered 2025-03-01."""

    class Meta:
        model = Incident

    vendor = factory.SubFactory(VendorFactory)
    title = factory.Sequence(lambda n: f"Incident {n}")
    severity = "high"
    status = "reported"
    data_exposure = "suspected"
    data_categories_exposed = factory.LazyFunction(list)
    discovered_at = factory.LazyFunction(lambda: dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC))


class LabResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabResponse

    incident = factory.SubFactory(IncidentFactory)
    lab = factory.SubFactory(LabFactory)
    decision = "investigating"
    reason = factory.Sequence(lambda n: f"Reason {n}")


class IncidentUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentUpdate

    incident = factory.SubFactory(IncidentFactory)
    body = factory.Sequence(lambda n: f"Timeline entry {n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    """A pending GDPR report due in three days (rows are system-made in the app; tests make them here)."""

    class Meta:
        model = Notification

    incident = factory.SubFactory(IncidentFactory)
    lab = factory.SubFactory(LabFactory)
    regime = "gdpr"
    stage = "report"
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A questionnaire; ``questions=N`` adds N unconditional questions coded Q1..QN."""

    class Meta:
        model = Questionnaire
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Questionnaire {n}")
    version = 1
    source = "NIST SP 800-53r5"

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create and extracted:
            for i in range(1, int(extracted) + 1):
                QuestionFactory(questionnaire=self, code=f"Q{i}", position=i)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    domain = "Supply chain"
    text = factory.Sequence(lambda n: f"Does the vendor do thing {n}?")
    weight = Decimal("1")
    position = factory.Sequence(lambda n: n)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft assessment of a vendor against a one-question questionnaire."""

    class Meta:
        model = Assessment

    vendor = factory.SubFactory(VendorFactory)
    questionnaire = factory.SubFactory(QuestionnaireFactory, questions=1)
    status = "draft"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    question = factory.LazyAttribute(
        lambda o: (
            o.assessment.questionnaire.questions.first()
            or QuestionFactory(questionnaire=o.assessment.questionnaire)
        )
    )
    response = "yes"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    assessment = factory.SubFactory(AssessmentFactory)
    title = factory.Sequence(lambda n: f"Finding {n}")
    severity = "medium"
    status = "open"


class EvidenceFactory(factory.django.DjangoModelFactory):
    """An evidence row naming a stored file it does not write (upload through the service for a real one)."""

    class Meta:
        model = Evidence

    assessment = factory.SubFactory(AssessmentFactory)
    file = factory.Sequence(lambda n: f"evidence/2026/01/factory-{n}.pdf")
    original_name = factory.Sequence(lambda n: f"SOC 2 report {n}.pdf")
    content_type = "application/pdf"
    size = 1024
    sha256 = "0" * 64


class ImportJobFactory(factory.django.DjangoModelFactory):
    """An admin import job (no file), previewed by default."""

    class Meta:
        model = ImportJob

    kind = "veris"
    file_name = factory.Sequence(lambda n: f"import-{n}.jsonl")
    status = "previewed"
    created_by = factory.SubFactory(UserFactory, role="admin")

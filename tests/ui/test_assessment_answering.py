"""The assessment pages that write: start one, answer it question by question (htmx), complete it, evidence."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, Evidence, VendorScore
from tests import factories as f
from tests.scores.helpers import engagement, lab, vendor
from vendorrisk.models import User

TINY_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _user(role: str, name: str) -> User:
    return User.objects.create(username=name, role=role, all_labs=True)


def _questionnaire(n: int = 2, **extra):
    return f.QuestionnaireFactory(questions=n, **extra)


def _save(client, assessment, question, response, comment=""):
    return client.post(
        reverse("ui:assessment-answer-save", args=[assessment.id]),
        {"question": question.id, "response": response, "comment": comment},
        headers={"HX-Request": "true"},
    )


@pytest.mark.django_db(transaction=True)
def test_create_answer_complete_moves_the_vendor_score(client_for):
    m = vendor("Vendor Mu")
    engagement(lab("Lab Mu"), m)
    assert VendorScore.objects.get(vendor=m).base_likelihood == 0.5  # never assessed
    questionnaire = _questionnaire(2)
    q1, q2 = questionnaire.questions.order_by("position")
    client = client_for(_user("security", "sec-mu"))

    response = client.post(
        reverse("ui:assessment-create"), {"vendor": m.id, "questionnaire": questionnaire.id}
    )
    assessment = Assessment.objects.get(vendor=m)
    assert response.status_code == 302
    assert response["Location"] == reverse("ui:assessment-answer", args=[assessment.id])
    assert assessment.status == "draft"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="change"' in html and 'name="csrfmiddlewaretoken"' in html
    assert html.count('type="radio"') == 8  # 2 questions × yes/partial/no/na
    assert "<strong>0/2</strong>" in html

    saved = _save(client, assessment, q1, "yes", "SOC 2 type II seen")
    assert saved.status_code == 200
    assert "<strong>1/2</strong>" in saved.content.decode()
    answer = Answer.objects.get(assessment=assessment, question=q1)
    assert (answer.response, answer.comment) == ("yes", "SOC 2 type II seen")
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"

    # Changing the same question replaces its answer (still one row).
    assert (
        "<strong>1/2</strong>" in _save(client, assessment, q1, "yes", "SOC 2 type II, 2026").content.decode()
    )
    assert Answer.objects.filter(assessment=assessment).count() == 1
    assert "<strong>2/2</strong>" in _save(client, assessment, q2, "yes").content.decode()

    done = client.post(reverse("ui:assessment-complete", args=[assessment.id]))
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.score, assessment.rating) == ("completed", 100, "strong")
    detail = client.get(done["Location"]).content.decode()
    assert "Strong" in detail and "100.0" in detail
    score = VendorScore.objects.get(vendor=m)
    assert (score.base_likelihood, score.assessment_id) == (0.10, assessment.id)

    # The vendor page names the current assessment, its rating and when it expires.
    vendor_page = client.get(reverse("ui:vendor-detail", args=[m.id])).content.decode()
    days = (assessment.valid_until - timezone.now().date()).days
    assert f"expires in {days} days" in vendor_page
    assert "Current assessment" in vendor_page and "Strong" in vendor_page


@pytest.mark.django_db
def test_completing_with_an_unanswered_question_shows_the_message(client_for, vendor_a):
    questionnaire = _questionnaire(2)
    q1, _q2 = questionnaire.questions.order_by("position")
    assessment = f.AssessmentFactory(vendor=vendor_a, questionnaire=questionnaire)
    client = client_for(_user("security", "sec-1"))
    _save(client, assessment, q1, "no")

    response = client.post(reverse("ui:assessment-complete", args=[assessment.id]))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html and "1 applicable question(s) are unanswered: Q2." in html
    assert 'type="radio"' in html  # still the answering form
    assessment.refresh_from_db()
    assert (assessment.status, assessment.score) == ("in_progress", None)


@pytest.mark.django_db
def test_conditional_questions_that_do_not_apply_are_noted_and_not_counted(client_for, vendor_a):
    questionnaire = f.QuestionnaireFactory()
    parent = f.QuestionFactory(questionnaire=questionnaire, code="P1", position=1)
    child = f.QuestionFactory(
        questionnaire=questionnaire,
        code="C1",
        position=2,
        condition_question=parent,
        condition_responses=["yes"],
    )
    assessment = f.AssessmentFactory(vendor=vendor_a, questionnaire=questionnaire)
    client = client_for(_user("security", "sec-2"))

    html = client.get(reverse("ui:assessment-answer", args=[assessment.id])).content.decode()
    assert "<strong>0/1</strong>" in html
    assert "Not asked now. Asked only when P1 is answered yes." in html

    fragment = _save(client, assessment, parent, "yes").content.decode()
    assert "<strong>1/2</strong>" in fragment
    assert f'id="applies-{child.id}" hx-swap-oob="true"' in fragment and "Applies: Asked only" in fragment

    fragment = _save(client, assessment, parent, "no").content.decode()
    assert "<strong>1/1</strong>" in fragment and "Not asked now." in fragment
    assert client.post(reverse("ui:assessment-complete", args=[assessment.id])).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["viewer", "procurement"])
def test_read_only_roles_see_no_inputs_and_their_posts_are_refused(client_for, vendor_a, role):
    questionnaire = _questionnaire(1)
    question = questionnaire.questions.get()
    assessment = f.AssessmentFactory(vendor=vendor_a, questionnaire=questionnaire)
    client = client_for(_user(role, f"{role}-1"))

    page = client.get(reverse("ui:assessment-answer", args=[assessment.id]))
    assert page.status_code == 200
    assert 'type="radio"' not in page.content.decode()
    assert "New assessment" not in client.get(reverse("ui:assessment-list")).content.decode()

    assert _save(client, assessment, question, "yes").status_code == 403
    assert client.post(reverse("ui:assessment-complete", args=[assessment.id])).status_code == 403
    assert client.get(reverse("ui:assessment-create")).status_code == 403
    created = client.post(
        reverse("ui:assessment-create"), {"vendor": vendor_a.id, "questionnaire": questionnaire.id}
    )
    assert created.status_code == 403
    upload = client.post(
        reverse("ui:assessment-evidence", args=[assessment.id]),
        {"file": SimpleUploadedFile("soc2.pdf", TINY_PDF, content_type="application/pdf")},
    )
    assert upload.status_code == 403
    assert not Answer.objects.exists() and not Evidence.objects.exists()
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_a_completed_assessment_is_read_only(client_for, vendor_a):
    questionnaire = _questionnaire(1)
    question = questionnaire.questions.get()
    assessment = f.AssessmentFactory(
        vendor=vendor_a, questionnaire=questionnaire, status="completed", score=50, rating="needs_improvement",
        completed_at=timezone.now(), valid_until=timezone.now().date() + dt.timedelta(days=90),
    )  # fmt: skip
    f.AnswerFactory(assessment=assessment, question=question, response="partial", comment="Half done")
    client = client_for(_user("admin", "admin-1"))

    html = client.get(reverse("ui:assessment-answer", args=[assessment.id])).content.decode()
    assert 'type="radio"' not in html and "Complete assessment" not in html
    assert "Partial" in html and "Half done" in html

    response = _save(client, assessment, question, "yes", "changed")
    assert response.status_code == 409
    assert response.content.decode() == "This assessment is completed; its answers are locked."
    answer = Answer.objects.get(assessment=assessment)
    assert (answer.response, answer.comment) == ("partial", "Half done")
    again = client.post(reverse("ui:assessment-complete", args=[assessment.id]))
    assert again.status_code == 409
    assessment.refresh_from_db()
    assert (assessment.score, assessment.rating) == (50, "needs_improvement")


@pytest.mark.django_db
def test_bad_answer_input_is_a_400_not_a_500(client_for, vendor_a):
    assessment = f.AssessmentFactory(vendor=vendor_a, questionnaire=_questionnaire(1))
    other = f.QuestionFactory()  # another questionnaire's question
    client = client_for(_user("security", "sec-3"))
    question = assessment.questionnaire.questions.get()
    assert _save(client, assessment, question, "maybe").status_code == 400
    response = _save(client, assessment, other, "yes")
    assert response.status_code == 400
    assert "is not part of this assessment's questionnaire" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_evidence_upload_through_the_form(client_for, vendor_a):
    assessment = f.AssessmentFactory(vendor=vendor_a)
    client = client_for(_user("security", "sec-4"))
    url = reverse("ui:assessment-evidence", args=[assessment.id])
    detail = client.get(reverse("ui:assessment-detail", args=[assessment.id])).content.decode()
    assert 'enctype="multipart/form-data"' in detail and 'name="expires_on"' in detail

    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("SOC 2.pdf", TINY_PDF, content_type="application/pdf"),
            "expires_on": "2027-06-30",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(assessment=assessment)
    assert (evidence.original_name, evidence.content_type, evidence.expires_on) == (
        "SOC 2.pdf",
        "application/pdf",
        dt.date(2027, 6, 30),
    )
    assert "SOC 2.pdf" in client.get(response["Location"]).content.decode()

    fake = client.post(
        url,
        {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
    )
    assert fake.status_code == 400
    html = fake.content.decode()
    assert 'class="errorlist"' in html and "report.pdf" in html
    bad_date = client.post(url, {"file": SimpleUploadedFile("b.pdf", TINY_PDF), "expires_on": "30/06/2027"})
    assert bad_date.status_code == 400 and "Enter a valid date." in bad_date.content.decode()
    assert Evidence.objects.filter(assessment=assessment).count() == 1


def _answer_page_queries(client, assessment) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("ui:assessment-answer", args=[assessment.id])).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_answering_page_query_count_does_not_grow_with_questions(client_for, vendor_a):
    client = client_for(_user("security", "sec-5"))
    small = f.AssessmentFactory(vendor=vendor_a, questionnaire=_questionnaire(2))
    big_questionnaire = _questionnaire(30)
    questions = list(big_questionnaire.questions.order_by("position"))
    for q in questions[5:10]:
        q.condition_question, q.condition_responses = questions[0], ["yes"]
        q.save()
    big = f.AssessmentFactory(vendor=vendor_a, questionnaire=big_questionnaire)
    for q in questions[:20]:
        f.AnswerFactory(assessment=big, question=q, response="yes", comment="ok")
    assert _answer_page_queries(client, small) == _answer_page_queries(client, big) == 5


def test_the_answering_page_keeps_progress_in_view_points_to_the_next_unanswered_and_reads_blanks(
    db, client_for
):
    from vendorrisk.templatetags.ui import placeholders

    questionnaire = f.QuestionnaireFactory(questions=0)
    first = f.QuestionFactory(questionnaire=questionnaire, code="SR-3", position=1,
                              text="Review the plan [Assignment: organization-defined frequency].")  # fmt: skip
    second = f.QuestionFactory(
        questionnaire=questionnaire, code="SR-5", position=2, text="Use <b>safe</b> tools."
    )
    assessment = f.AssessmentFactory(questionnaire=questionnaire)
    client = client_for(_user("security", "answerer"))
    html = client.get(f"/assessments/{assessment.id}/answer/").content.decode()
    assert 'class="card sticky-progress"' in html and '<progress max="2" value="0"' in html
    assert f'<a href="#q{first.id}" data-next-unanswered>Next unanswered: SR-3</a>' in html
    assert f'id="q{first.id}"' in html
    assert (
        '<span class="placeholder" title="Assignment: to be set by the organisation">organization-defined frequency</span>'
        in html
    )
    assert "[Assignment:" not in html and "&lt;b&gt;safe&lt;/b&gt;" in html
    _save(client, assessment, first, "yes")
    html = client.get(f"/assessments/{assessment.id}/answer/").content.decode()
    assert f'<a href="#q{second.id}" data-next-unanswered>Next unanswered: SR-5</a>' in html
    nested = placeholders("[Selection (one or more): [Assignment: organization-defined roles]; vendors]")
    assert nested.count('class="placeholder"') == 2 and "[" not in nested

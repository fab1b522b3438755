"""Events a user would expect beyond the ones DESIGN.md section 8 names: questionnaires, a save of answers,
evidence, and incident timeline entries. Each is recorded through the API like a client, with the
object's API representation, and read back through the event feed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.api.serializers import AnswerSerializer, EvidenceSerializer, QuestionnaireSerializer
from incidents.api.serializers import IncidentUpdateSerializer
from tests import factories as f
from tests.assessments import samples
from tests.assessments.helpers import ASSESSMENTS, make_questionnaire, questionnaire_body
from tests.incidents.helpers import engagement, incident
from vendorrisk.core.events import EVENT_TYPES
from vendorrisk.models import Event
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def since() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def recorded(after: int, prefix: str) -> list[Event]:
    return list(Event.objects.filter(id__gt=after, type__startswith=prefix).order_by("id"))


def feed_ids(client, event_type: str) -> list[int]:
    response = client.get("/api/events/", {"type": event_type})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_new_types_are_known_and_offered_to_subscriptions():
    new = {
        "questionnaire.created",
        "questionnaire.updated",
        "questionnaire.deleted",
        "assessment.answers_recorded",
        "evidence.uploaded",
        "evidence.deleted",
        "incident.update_added",
    }
    assert new <= set(EVENT_TYPES)


def test_a_questionnaires_life_is_three_events(admin_api, admin_user, viewer_lab_a_api):
    after = since()
    made = make_questionnaire(admin_api, {"code": "Q1"}, {"code": "Q2"}, name="Data handling")
    body = questionnaire_body({"code": "Q1"}, {"code": "Q3"}, name="Data handling")
    response = admin_api.patch(
        f"/api/questionnaires/{made.pk}/",
        {"description": "Second draft", "questions": body["questions"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert admin_api.delete(f"/api/questionnaires/{made.pk}/").status_code == 204

    created, updated, deleted = recorded(after, "questionnaire.")
    assert [e.type for e in (created, updated, deleted)] == [
        "questionnaire.created",
        "questionnaire.updated",
        "questionnaire.deleted",
    ]
    assert {e.object_id for e in (created, updated, deleted)} == {made.pk}
    assert {e.actor_id for e in (created, updated, deleted)} == {admin_user.pk}
    assert all(e.labs == [] for e in (created, updated, deleted))  # a questionnaire belongs to no lab
    writable_only = {"questions"}
    assert set(created.data) == set(QuestionnaireSerializer.Meta.fields) - writable_only
    assert (created.data["name"], created.data["question_count"]) == ("Data handling", 2)
    assert updated.data["changes"] == {
        "description": ["", "Second draft"],
        "questions": [["Q1", "Q2"], ["Q1", "Q3"]],
    }
    assert deleted.data["id"] == made.pk
    # Questionnaires are read by every role: a lab-limited reader sees their events too.
    assert feed_ids(viewer_lab_a_api, "questionnaire.*") == [created.pk, updated.pk, deleted.pk]


def test_a_save_of_answers_is_one_event_with_the_answers_it_wrote(security_api, security_all, vendor_a):
    questionnaire = make_questionnaire(security_api, {"code": "Q1"}, {"code": "Q2"}, {"code": "Q3"})
    ids = dict(questionnaire.questions.values_list("code", "id"))
    response = security_api.post(
        ASSESSMENTS, {"vendor": vendor_a.pk, "questionnaire": questionnaire.pk}, format="json"
    )
    assessment_id = response.json()["id"]
    url = f"{ASSESSMENTS}{assessment_id}/answers/"

    after = since()
    body = [{"question": ids[c], "response": "yes", "comment": ""} for c in ("Q1", "Q2", "Q3")]
    assert security_api.put(url, body, format="json").status_code == 200
    (event,) = recorded(after, "assessment.answers_recorded")
    assert (event.object_type, event.object_id, event.actor_id, event.labs) == (
        "assessment",
        assessment_id,
        security_all.pk,
        [],
    )
    assert event.data["status"] == "in_progress" and event.data["vendor"] == vendor_a.pk
    assert [(a["code"], a["response"]) for a in event.data["answers"]] == [
        ("Q1", "yes"),
        ("Q2", "yes"),
        ("Q3", "yes"),
    ]
    assert set(event.data["answers"][0]) == set(AnswerSerializer().fields)

    # The same answers again write nothing and record nothing; one changed answer is one event naming it.
    after = since()
    assert security_api.put(url, body, format="json").status_code == 200
    assert recorded(after, "assessment.") == []
    body[1] = {"question": ids["Q2"], "response": "no", "comment": "Not in scope"}
    assert security_api.put(url, body, format="json").status_code == 200
    (event,) = recorded(after, "assessment.")
    assert event.data["answers"] == [
        {"question": ids["Q2"], "code": "Q2", "response": "no", "comment": "Not in scope"}
    ]


def test_evidence_uploaded_and_deleted(security_api, security_all, vendor_a, viewer_lab_b):
    assessment = f.AssessmentFactory(vendor=vendor_a)
    after = since()
    response = security_api.post(
        f"{ASSESSMENTS}{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("soc2.pdf", samples.PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    evidence_id = response.json()["id"]
    assert security_api.delete(f"{ASSESSMENTS}{assessment.pk}/evidence/{evidence_id}/").status_code == 204

    uploaded, deleted = recorded(after, "evidence.")
    assert [(e.type, e.object_type, e.object_id) for e in (uploaded, deleted)] == [
        ("evidence.uploaded", "evidence", evidence_id),
        ("evidence.deleted", "evidence", evidence_id),
    ]
    assert uploaded.actor_id == security_all.pk and uploaded.labs == []
    reader_dependent = {"uploaded_by_name"}
    assert set(uploaded.data) == set(EvidenceSerializer.Meta.fields) - reader_dependent
    api = response.json()
    assert {
        k: uploaded.data[k] for k in ("original_name", "content_type", "size", "sha256", "assessment")
    } == {k: api[k] for k in ("original_name", "content_type", "size", "sha256", "assessment")}
    assert api["download_url"].endswith(uploaded.data["download_url"])
    assert deleted.data["sha256"] == uploaded.data["sha256"]


def test_a_timeline_entry_is_an_event_every_reader_of_the_incident_sees(
    security_api, security_all, lab_a, vendor_a, viewer_lab_a_api, viewer_lab_b, api_client_for
):
    engagement(lab_a, vendor_a)
    breach = incident(vendor_a)
    after = since()
    response = security_api.post(
        f"/api/incidents/{breach.pk}/updates/", {"body": "Vendor rotated every key."}, format="json"
    )
    assert response.status_code == 201, response.json()
    (event,) = recorded(after, "incident.")
    assert (event.type, event.object_type, event.object_id, event.actor_id) == (
        "incident.update_added",
        "incident_update",
        response.json()["id"],
        security_all.pk,
    )
    # The entry names no lab and every reader of the incident reads the timeline: like the incident's own
    # events, it concerns no lab in particular.
    assert event.labs == []
    assert set(event.data) == set(IncidentUpdateSerializer.Meta.fields) - {"author_name"}
    assert (event.data["incident"], event.data["body"], event.data["author"]) == (
        breach.pk,
        "Vendor rotated every key.",
        security_all.pk,
    )
    assert feed_ids(viewer_lab_a_api, "incident.update_added") == [event.pk]
    assert feed_ids(api_client_for(viewer_lab_b), "incident.update_added") == [event.pk]


def test_halting_work_records_the_timeline_entries_it_writes(admin_user, lab_a, vendor_a):
    engagement(lab_a, vendor_a)
    breach = incident(vendor_a)
    after = since()
    vendor_services.vendor_suspend(actor=admin_user, vendor=vendor_a, reason="Containment", lab=lab_a)
    (entry,) = recorded(after, "incident.update_added")
    assert entry.data["incident"] == breach.pk and entry.data["body"].endswith(": Containment")

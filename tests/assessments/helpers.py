"""Builders for assessment tests: questionnaires, answers and completion, through the API like a client."""

from decimal import Decimal

from assessments.models import Questionnaire

ASSESSMENTS = "/api/assessments/"


def questionnaire_body(*questions: dict, name: str = "Vendor review") -> dict:
    """``questions``: dicts of code (and optional weight, condition); text is filled in."""
    return {
        "name": name,
        "source": "NIST SP 800-53r5",
        "questions": [{"text": f"Control {q['code']} in place?", **q} for q in questions],
    }


def make_questionnaire(client, *questions: dict, name: str = "Vendor review") -> Questionnaire:
    response = client.post("/api/questionnaires/", questionnaire_body(*questions, name=name), format="json")
    assert response.status_code == 201, response.json()
    return Questionnaire.objects.get(pk=response.json()["id"])


def weighted(*weights) -> list[dict]:
    return [{"code": f"Q{i}", "weight": str(w)} for i, w in enumerate(weights, start=1)]


def start_assessment(client, vendor, questionnaire) -> int:
    response = client.post(
        ASSESSMENTS, {"vendor": vendor.id, "questionnaire": questionnaire.id}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def question_ids(questionnaire) -> dict[str, int]:
    return dict(questionnaire.questions.values_list("code", "id"))


def put_answers(client, assessment_id: int, questionnaire, responses: dict[str, str]):
    ids = question_ids(questionnaire)
    body = [{"question": ids[code], "response": r, "comment": ""} for code, r in responses.items()]
    return client.put(f"{ASSESSMENTS}{assessment_id}/answers/", body, format="json")


def complete(client, assessment_id: int, **body):
    return client.post(f"{ASSESSMENTS}{assessment_id}/complete/", body, format="json")


def answered_and_completed(client, vendor, questionnaire, responses: dict[str, str]) -> dict:
    assessment_id = start_assessment(client, vendor, questionnaire)
    assert put_answers(client, assessment_id, questionnaire, responses).status_code == 200
    response = complete(client, assessment_id)
    assert response.status_code == 200, response.json()
    return response.json()


def score_of(body: dict) -> Decimal:
    return Decimal(str(body["score"]))


def stored_files(root) -> list[str]:
    """Paths of the files under a storage root (the evidence tests' MEDIA_ROOT)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

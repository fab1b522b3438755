"""Finding 21: what schemathesis found under negative data — each refused (or sent) as the schema says."""

import pytest

from tests import factories as f


@pytest.mark.parametrize(
    "url", ['https://vendor.example/"><script>', "https://vendor.example/a b", "https://bücher.example/"]
)
def test_a_vendor_website_with_characters_a_uri_may_not_hold_is_a_400(admin_api, url):
    response = admin_api.post(
        "/api/vendors/", {"name": "Strict URL vendor", "category": "compute", "website": url}, format="json"
    )

    assert response.status_code == 400
    assert "website" in response.json()


def test_an_incident_source_url_is_checked_the_same_way(security_api, vendor_a):
    payload = {
        "vendor": vendor_a.id,
        "title": "Strict source",
        "severity": "high",
        "status": "investigating",
        "data_exposure": "none",
        "discovered_at": "2025-03-01T12:00:00Z",
        "source_url": 'https://news.example/"<>',
    }
    response = security_api.post("/api/incidents/", payload, format="json")

    assert response.status_code == 400
    assert "source_url" in response.json()


def test_a_stored_url_with_unsafe_characters_is_sent_percent_encoded(admin_api):
    vendor = f.VendorFactory(website='https://old.example/"<x>')

    response = admin_api.get(f"/api/vendors/{vendor.id}/")

    assert response.status_code == 200
    assert response.json()["website"] == "https://old.example/%22%3Cx%3E"


def test_a_valid_url_is_stored_and_sent_as_given(admin_api):
    url = "https://vendor.example/path?q=1&r=%20x#frag"
    response = admin_api.post(
        "/api/vendors/", {"name": "Plain URL vendor", "category": "compute", "website": url}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["website"] == url


def test_put_is_not_offered_on_an_assessment(admin_api):
    assessment = f.AssessmentFactory()

    response = admin_api.put(f"/api/assessments/{assessment.id}/", {}, format="json")

    assert response.status_code == 405
    assert "PUT" not in response["Allow"]
    assert "PATCH" in response["Allow"]


@pytest.mark.parametrize("value", ["", "null", "0", "501", "-3", "abc", "2.5"])
def test_page_size_outside_1_to_500_is_a_400_naming_it(admin_api, lab_a, value):
    response = admin_api.get("/api/labs/", {"page_size": value})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_page_size_within_bounds_is_honoured(admin_api, lab_a, lab_b):
    response = admin_api.get("/api/labs/", {"page_size": "1"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize("value", ["0", "-1", "null"])
def test_page_below_one_is_a_400_naming_it(admin_api, lab_a, value):
    response = admin_api.get("/api/labs/", {"page": value})

    assert response.status_code == 400
    assert "page" in response.json()


def test_the_schema_bounds_page_and_page_size(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/labs/"]["get"]["parameters"]}

    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert params["page"]["schema"] == {"type": "integer", "minimum": 1}


def test_an_integer_filter_refuses_a_fraction(admin_api):
    response = admin_api.get("/api/questionnaires/", {"version": "0.5"})

    assert response.status_code == 400
    assert "version" in response.json()


def test_a_question_without_text_is_refused_in_a_patch_too(admin_api):
    questionnaire = f.QuestionnaireFactory()

    response = admin_api.patch(
        f"/api/questionnaires/{questionnaire.id}/", {"questions": [{"code": "Q1"}]}, format="json"
    )

    assert response.status_code == 400
    assert "text" in str(response.json()["questions"])


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/incidents/", "occurred_at_before"),
        ("/api/engagements/", "start_date_before"),
        ("/api/audit/", "actor"),
        ("/api/incidents/", "vendor"),
        ("/api/questionnaires/", "version"),
    ],
)
def test_a_typed_filter_given_blank_is_a_400_in_the_api(admin_api, url, param):
    response = admin_api.get(url, {param: ""})

    assert response.status_code == 400
    assert param in response.json()


def test_a_text_filter_given_blank_is_no_filter(admin_api, lab_a):
    response = admin_api.get("/api/incidents/", {"title": ""})

    assert response.status_code == 200


def test_the_web_list_still_takes_blank_filters(client, security_all):
    client.force_login(security_all)

    response = client.get("/incidents/", {"discovered_at_after": "", "occurred_at_before": "", "vendor": ""})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url, payload, field",
    [
        ("/api/questionnaires/", {"name": "Q strict", "description": 0, "questions": []}, "description"),
        ("/api/labs/", {"name": 12345}, "name"),
    ],
)
def test_a_number_for_a_text_field_is_a_400_naming_it(admin_api, url, payload, field):
    response = admin_api.post(url, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_number_for_the_suspend_reason_is_a_400(admin_api, vendor_a, engagement_a):
    response = admin_api.post(f"/api/vendors/{vendor_a.id}/suspend/", {"reason": 0}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()


@pytest.mark.parametrize("value", ["null", "maybe"])
def test_a_boolean_filter_from_the_model_refuses_what_is_not_true_or_false(admin_api, value):
    response = admin_api.get("/api/users/", {"is_active": value})

    assert response.status_code == 400
    assert "is_active" in response.json()


def test_a_blank_date_in_a_multipart_upload_is_a_400(security_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment = f.AssessmentFactory()
    upload = SimpleUploadedFile("note.txt", b"plain text evidence", content_type="text/plain")

    response = security_api.post(
        f"/api/assessments/{assessment.id}/evidence/", {"file": upload, "expires_on": ""}, format="multipart"
    )

    assert response.status_code == 400
    assert "expires_on" in response.json()


def test_a_blank_ordering_is_a_400(admin_api):
    response = admin_api.get("/api/labs/", {"ordering": ""})

    assert response.status_code == 400
    assert "ordering" in response.json()


def test_the_414_of_the_server_is_documented_as_its_html_page(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert list(operation["responses"]["414"]["content"]) == ["text/html"], (method, path)


@pytest.mark.parametrize(
    "field, value", [("shares_data", 0), ("depends_on", "5"), ("vendor", True), ("description", 7)]
)
def test_a_json_value_of_the_wrong_type_is_a_400_naming_the_field(
    admin_api, vendor_a, vendor_b, field, value
):
    payload = {"vendor": vendor_a.id, "depends_on": vendor_b.id, "shares_data": True, "description": ""}
    payload[field] = value

    response = admin_api.post("/api/vendor-dependencies/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_components_do_not_inherit_the_base_serializers_docs(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()

    descriptions = {c.get("description", "") for c in schema["components"]["schemas"].values()}
    assert not any("base" in d.lower() and "serializer" in d.lower() for d in descriptions)

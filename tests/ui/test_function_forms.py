"""The functions' web form (register template B_06.01, issue 15): create, edit and delete in the UI, scoped
per lab, with the same rules as `/api/functions/` (one set of bad inputs is refused by both, on the same
field)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from vendors.models import Function

VALID = {
    "identifier": "F-TRAIN",
    "name": "Model training",
    "licensed_activity": "",
    "critical_or_important": "yes",
    "reasons": "Stops research.",
    "last_assessed_on": "2025-01-15",
    "rto_hours": "24",
    "rpo_hours": "4",
    "discontinuation_impact": "high",
}


def test_procurement_adds_a_function_to_its_lab_and_sees_it_listed(procurement_lab_a, lab_a, client_for):
    client = client_for(procurement_lab_a)
    page = client.get("/register/functions/new/")
    assert page.status_code == 200
    assert list(page.context["form"].fields["lab"].queryset) == [lab_a]  # Lab B is not offered
    response = client.post("/register/functions/new/", {**VALID, "lab": lab_a.id})
    function = Function.objects.get(identifier="F-TRAIN")
    assert (
        response.status_code == 302 and response["Location"] == f"/register/functions/#function-{function.id}"
    )
    assert (function.lab, function.rto_hours, function.critical_or_important) == (lab_a, 24, "yes")
    listed = client.get("/register/functions/").content.decode()
    assert "Model training" in listed and f"/register/functions/{function.id}/edit/" in listed


def test_another_labs_function_cannot_be_made_edited_or_deleted(procurement_lab_a, lab_b, client_for):
    client = client_for(procurement_lab_a)
    response = client.post("/register/functions/new/", {**VALID, "lab": lab_b.id})
    assert response.status_code == 200
    assert "lab" in response.context["form"].errors
    theirs = f.FunctionFactory(lab=lab_b, name="Secret B function")
    assert client.get(f"/register/functions/{theirs.id}/edit/").status_code == 404
    assert client.post(f"/register/functions/{theirs.id}/delete/").status_code == 404
    assert Function.objects.filter(pk=theirs.pk).exists()
    assert "Secret B function" not in client.get("/register/functions/").content.decode()


def test_a_viewer_reads_the_list_but_may_not_use_the_form(viewer_lab_a, lab_a, client_for):
    client = client_for(viewer_lab_a)
    f.FunctionFactory(lab=lab_a)
    listed = client.get("/register/functions/")
    assert listed.status_code == 200 and "Add a function" not in listed.content.decode()
    assert client.get("/register/functions/new/").status_code == 403
    assert client.post("/register/functions/new/", {**VALID, "lab": lab_a.id}).status_code == 403
    assert not Function.objects.filter(identifier="F-TRAIN").exists()


def test_editing_changes_the_row_and_a_duplicate_identifier_is_a_form_error(
    procurement_lab_a, lab_a, client_for
):
    client = client_for(procurement_lab_a)
    f.FunctionFactory(lab=lab_a, identifier="F-1")
    mine = f.FunctionFactory(lab=lab_a, identifier="F-2", name="Evaluation")
    saved = client.post(
        f"/register/functions/{mine.id}/edit/", {**VALID, "lab": lab_a.id, "identifier": "F-2"}
    )
    assert saved.status_code == 302
    mine.refresh_from_db()
    assert (mine.name, mine.rpo_hours) == ("Model training", 4)
    clash = client.post(
        f"/register/functions/{mine.id}/edit/", {**VALID, "lab": lab_a.id, "identifier": "F-1"}
    )
    assert clash.status_code == 200
    assert clash.context["form"].errors["__all__"] == [
        "This lab already has a function with this identifier."
    ]
    mine.refresh_from_db()
    assert mine.identifier == "F-2"


def test_a_function_engagements_support_is_not_deleted(procurement_lab_a, lab_a, engagement_a, client_for):
    from vendors import services as vendor_services

    client = client_for(procurement_lab_a)
    used = f.FunctionFactory(lab=lab_a, identifier="F-USED")
    vendor_services.engagement_update(actor=None, instance=engagement_a, functions=[used.id])
    refused = client.post(f"/register/functions/{used.id}/delete/", follow=True)
    assert Function.objects.filter(pk=used.pk).exists()
    assert "Remove the function from those engagements first." in refused.content.decode()
    spare = f.FunctionFactory(lab=lab_a, identifier="F-SPARE")
    deleted = client.post(f"/register/functions/{spare.id}/delete/")
    assert deleted.status_code == 302 and not Function.objects.filter(pk=spare.pk).exists()
    assert client.get(f"/register/functions/{spare.id}/delete/").status_code in (404, 405)


BAD = [
    pytest.param("identifier", {"identifier": ""}, id="identifier-blank"),
    pytest.param("name", {"name": "x" * 201}, id="name-too-long"),
    pytest.param("critical_or_important", {"critical_or_important": "maybe"}, id="unknown-choice"),
    pytest.param("licensed_activity", {"licensed_activity": "x999"}, id="unknown-activity"),
    pytest.param("rto_hours", {"rto_hours": "-1"}, id="negative-rto"),
    pytest.param("rpo_hours", {"rpo_hours": "soon"}, id="rpo-not-a-number"),
    pytest.param("last_assessed_on", {"last_assessed_on": "2999-01-01"}, id="assessed-in-the-future"),
    pytest.param("last_assessed_on", {"last_assessed_on": "1800-01-01"}, id="date-out-of-bounds"),
    pytest.param("discontinuation_impact", {"discontinuation_impact": "huge"}, id="unknown-impact"),
]


@pytest.mark.parametrize(("field", "change"), BAD)
def test_the_form_refuses_what_the_api_refuses_on_the_same_field(
    procurement_lab_a, lab_a, client_for, api_client_for, field, change
):
    form = client_for(procurement_lab_a).post(
        "/register/functions/new/", {**VALID, "lab": lab_a.id, **change}
    )
    assert form.status_code == 200
    assert field in form.context["form"].errors
    api_body = {k: v for k, v in {**VALID, "lab": lab_a.id, **change}.items() if v != ""}
    if field == "identifier":
        api_body["identifier"] = ""
    for name in ("rto_hours", "rpo_hours"):  # the API takes JSON numbers
        if api_body[name].lstrip("-").isdigit():
            api_body[name] = int(api_body[name])
    api = api_client_for(procurement_lab_a).post("/api/functions/", api_body, format="json")
    assert api.status_code == 400 and field in api.json()
    assert not Function.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_list_page_query_count_is_pinned(viewer_lab_a, lab_a, client_for, rows):
    for _ in range(rows):
        f.FunctionFactory(lab=lab_a)
    client = client_for(viewer_lab_a)
    client.get("/register/functions/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/register/functions/").status_code == 200
    assert len(ctx.captured_queries) == LIST_QUERIES, "\n".join(q["sql"] for q in ctx.captured_queries)


LIST_QUERIES = 4  # session, user, the user's labs, the functions with their labs

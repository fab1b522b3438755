"""The admin "Imports" page: upload → dry-run preview → confirm, admins only."""

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question, Questionnaire
from incidents.models import Incident
from vendorrisk import admin_imports
from vendors.models import Vendor

DATA = Path(__file__).resolve().parent.parent / "data"
JSONL = DATA / "vcdb" / "partner_or_vendor_incidents.jsonl"
OSCAL = Path(__file__).resolve().parent.parent.parent / "assessments" / "data"
URL = "admin:vendorrisk_imports"


def first_lines(n: int) -> list[str]:
    with JSONL.open(encoding="utf-8") as fh:
        return [next(fh) for _ in range(n)]


def upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def counts() -> tuple[int, int, int]:
    return Incident.objects.count(), Vendor.objects.count(), Questionnaire.objects.count()


def preview(client, kind: str, file: SimpleUploadedFile):
    return client.post(reverse(URL), {"step": "preview", "kind": kind, "file": file})


def confirm(client, token: str):
    return client.post(reverse(URL), {"step": "import", "token": token})


@pytest.fixture(autouse=True)
def upload_root(tmp_path, monkeypatch):
    """Uploads go under this test's own temp folder (and vanish with it)."""
    root = (tmp_path / "uploads").resolve()
    root.mkdir()
    monkeypatch.setattr(admin_imports, "upload_root", lambda: root)
    return root


@pytest.fixture
def veris_file():
    # Lines 1, 4 and 8 of the real VCDB file name a partner: 3 incidents; the other 5 are skipped.
    return upload("vcdb.jsonl", "".join(first_lines(8)))


@pytest.fixture
def broken_veris_file():
    rows = first_lines(8)
    rows[2] = rows[2][: len(rows[2]) // 2] + "\n"
    return upload("broken.jsonl", "".join(rows))


def test_page_shows_the_form_to_admins(admin_client):
    response = admin_client.get(reverse(URL) + "?kind=hhs")

    assert response.status_code == 200
    assert response.context["form"]["kind"].value() == "hhs"
    assert b'enctype="multipart/form-data"' in response.content


def test_changelists_link_to_the_page(admin_client):
    for name in ("admin:incidents_incident_changelist", "admin:assessments_questionnaire_changelist"):
        response = admin_client.get(reverse(name))
        assert response.status_code == 200
        assert reverse(URL).encode() in response.content


@pytest.mark.parametrize("role_user", ["viewer_all", "procurement_all", "security_all"])
def test_non_admins_are_sent_to_the_admin_login_and_nothing_is_written(
    client, request, role_user, veris_file
):
    client.force_login(request.getfixturevalue(role_user))
    before = counts()

    got = client.get(reverse(URL))
    posted = preview(client, "veris", veris_file)

    for response in (got, posted):
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    assert counts() == before


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(reverse(URL))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_preview_shows_the_counts_and_writes_nothing(admin_client, veris_file, upload_root):
    before = counts()

    response = preview(admin_client, "veris", veris_file)

    assert response.status_code == 200
    report = response.context["report"]
    assert (report["read"], report["created"], report["skipped"], report["errors"]) == (8, 3, 5, [])
    assert report["dry_run"] is True and report["committed"] is False
    assert counts() == before
    assert b'id="import-confirm"' in response.content
    assert b"Preview (dry run, nothing written)" in response.content
    # The saved upload is one of ours, remembered under the token, and not shown to the client.
    entry = admin_client.session[admin_imports.SESSION_KEY][response.context["token"]]
    assert Path(entry["path"]).is_file()
    assert Path(entry["path"]).parent.parent == upload_root
    assert entry["path"].encode() not in response.content


def test_confirm_writes_the_rows_shows_the_report_and_forgets_the_upload(admin_client, veris_file):
    token = preview(admin_client, "veris", veris_file).context["token"]
    saved = Path(admin_client.session[admin_imports.SESSION_KEY][token]["path"])

    response = confirm(admin_client, token)

    assert response.status_code == 200
    report = response.context["report"]
    assert (report["created"], report["committed"], report["dry_run"]) == (3, True, False)
    assert Incident.objects.count() == 3
    assert set(Vendor.objects.values_list("name", flat=True)) == {
        "Medi-Waste Disposal",
        "Eastern and Coastal Kent Primary Care Trust",
        "Maximum Solutions, Inc.",
    }
    assert b'id="import-confirm"' not in response.content
    assert not saved.exists()
    # The token is spent: a second confirm imports nothing more.
    again = confirm(admin_client, token)
    assert again.status_code == 302
    assert Incident.objects.count() == 3


def test_malformed_file_shows_the_error_line_and_no_confirm_button(
    admin_client, broken_veris_file, upload_root
):
    before = counts()

    response = preview(admin_client, "veris", broken_veris_file)

    assert response.status_code == 200
    assert response.context["token"] is None
    errors = response.context["errors_shown"]
    assert [e["line"] for e in errors] == [3]
    assert errors[0]["reason"].startswith("not valid JSON")
    assert b"line 3" in response.content
    assert b'id="import-confirm"' not in response.content
    assert admin_client.session.get(admin_imports.SESSION_KEY, {}) == {}
    assert list(upload_root.iterdir()) == []  # the refused upload is not kept
    assert counts() == before


def test_forged_token_is_refused_with_a_message_and_nothing_written(admin_client, veris_file, tmp_path):
    preview(admin_client, "veris", veris_file)  # a real pending upload, which the forged token must not reach
    before = counts()

    response = confirm(admin_client, "not-a-token")

    assert response.status_code == 302
    assert response["Location"] == reverse(URL)
    assert any("upload the file again" in str(m) for m in get_messages(response.wsgi_request))
    assert counts() == before


def test_a_path_outside_the_upload_folder_is_never_imported(admin_client, tmp_path):
    # Even a session entry pointing elsewhere (it cannot come from the client) is refused.
    outside = tmp_path / "vcdb.jsonl"
    outside.write_text("".join(first_lines(8)), encoding="utf-8")
    session = admin_client.session
    session[admin_imports.SESSION_KEY] = {"tok": {"path": str(outside), "kind": "veris", "name": "x"}}
    session.save()

    response = confirm(admin_client, "tok")

    assert response.status_code == 302
    assert Incident.objects.count() == 0
    assert outside.exists()


def test_vsaq_questionnaire_preview_then_import(admin_client):
    catalog = DATA / "vsaq" / "webapp.json"
    questionnaires, questions = Questionnaire.objects.count(), Question.objects.count()
    response = preview(admin_client, "vsaq", upload(catalog.name, catalog.read_bytes()))

    assert response.status_code == 200
    report = response.context["report"]
    assert report["errors"] == [] and report["read"] > 0
    assert (Questionnaire.objects.count(), Question.objects.count()) == (questionnaires, questions)

    done = confirm(admin_client, response.context["token"])

    assert done.context["report"]["committed"] is True
    assert [q["result"] for q in done.context["report"]["questionnaires"]] == ["created"]
    assert Questionnaire.objects.count() == questionnaires + 1
    imported = Questionnaire.objects.order_by("-pk").first()
    assert imported.questions.count() > 0
    assert Question.objects.count() == questions + imported.questions.count()


def test_wrong_file_type_and_oversize_are_form_errors(admin_client, monkeypatch):
    wrong = preview(admin_client, "hhs", upload("breaches.json", "[]"))
    assert wrong.status_code == 400
    assert "takes a .csv file" in " ".join(wrong.context["form"].errors["file"])

    monkeypatch.setattr(admin_imports, "MAX_UPLOAD_BYTES", 10)
    big = preview(admin_client, "hibp", upload("breaches.json", "[" + " " * 20 + "]"))
    assert big.status_code == 400
    assert "larger than" in " ".join(big.context["form"].errors["file"])
    assert admin_client.session.get(admin_imports.SESSION_KEY, {}) == {}


def test_oscal_catalog_already_loaded_previews_as_unchanged(admin_client):
    # The default questionnaire is this catalog: the preview says so and nothing changes.
    catalog = OSCAL / "sp800-53r5_high_scrm_subset_catalog.json"
    before = Questionnaire.objects.count()

    response = preview(admin_client, "oscal", upload(catalog.name, catalog.read_bytes()))

    assert response.status_code == 200
    assert [q["result"] for q in response.context["report"]["questionnaires"]] == ["unchanged"]
    assert Questionnaire.objects.count() == before


def test_hibp_import_is_attributed_to_the_admin(admin_client, admin_user):
    from auditlog.models import LogEntry

    from vendors.services import vendor_create

    adobe = vendor_create(actor=None, name="Adobe", website="https://www.adobe.com", category="software")
    breaches = DATA / "hibp" / "breaches_api_v3_2025-03-03.json"
    response = preview(admin_client, "hibp", upload("breaches.json", breaches.read_bytes()))
    assert response.context["report"]["created"] == 1
    assert Incident.objects.count() == 0

    done = confirm(admin_client, response.context["token"])

    assert done.context["report"]["created"] == 1
    incident = Incident.objects.get()
    assert incident.vendor == adobe
    entry = LogEntry.objects.get_for_object(incident).get()
    assert entry.actor == admin_user


def test_previews_never_confirmed_are_removed_later(admin_client, veris_file, upload_root):
    import os
    import time

    stale = upload_root / "upload-old"
    stale.mkdir()
    (stale / "left.jsonl").write_text("{}", encoding="utf-8")
    old = time.time() - admin_imports.STALE_AFTER_SECONDS - 60
    os.utime(stale, (old, old))

    response = preview(admin_client, "veris", veris_file)

    assert response.context["token"]
    assert not stale.exists()
    assert len(list(upload_root.iterdir())) == 1  # the new upload only


def test_pages_have_no_inline_script_or_style(admin_client, veris_file, broken_veris_file):
    pages = [
        admin_client.get(reverse(URL)),
        preview(admin_client, "veris", veris_file),
        preview(admin_client, "veris", broken_veris_file),
    ]
    for response in pages:
        html = response.content.decode()
        assert "style=" not in html
        assert "<style" not in html
        assert html.count("<script") == html.count("<script src=")


@pytest.mark.parametrize(
    "kind, name",
    [("veris", "x.jsonl"), ("hibp", "x.json"), ("hhs", "x.csv"), ("oscal", "x.json"), ("vsaq", "x.json")],
)
def test_garbage_is_an_error_in_the_preview_not_a_crash(admin_client, kind, name):
    before = counts()

    response = preview(admin_client, kind, upload(name, b"\xff\xfe\x00garbage{[\n"))

    assert response.status_code == 200
    assert response.context["errors_total"] >= 1
    assert response.context["token"] is None
    assert b'id="import-confirm"' not in response.content
    assert counts() == before

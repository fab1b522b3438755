"""The admin "Imports" page: upload → dry-run preview → confirm, admins only, as background jobs.

The suite runs Celery eagerly, so a job's run is over when the upload's redirect comes back.
"""

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question, Questionnaire
from incidents.models import Incident
from vendorrisk import admin_imports, import_jobs
from vendorrisk.models import ImportJob
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
    """Upload for a preview and follow to the job's page."""
    return client.post(reverse(URL), {"step": "preview", "kind": kind, "file": file}, follow=True)


def confirm(client, job: ImportJob | int, token: str):
    pk = job if isinstance(job, int) else job.pk
    return client.post(reverse(JOB_URL, args=[pk]), {"step": "import", "token": token}, follow=True)


JOB_URL = "admin:vendorrisk_import_job"


@pytest.fixture(autouse=True)
def upload_root(tmp_path, settings):
    """Uploads are stored under this test's own media folder (and vanish with it)."""
    root = (tmp_path / "media").resolve()
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def run_jobs_at_once(monkeypatch):
    """A test's transaction never commits, so the on-commit queueing is short-cut: the (eager) task runs
    when the job is queued. test_the_job_is_queued_after_commit_as_the_celery_task covers the real path."""
    monkeypatch.setattr(admin_imports, "queue", lambda job: import_jobs._send(job.pk))


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


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
    posted = client.post(reverse(URL), {"step": "preview", "kind": "veris", "file": veris_file})

    for response in (got, posted):
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    assert counts() == before


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(reverse(URL))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_preview_shows_the_counts_and_writes_nothing(admin_client, admin_user, veris_file, upload_root):
    before = counts()

    response = preview(admin_client, "veris", veris_file)

    assert response.status_code == 200
    job = response.context["job"]
    assert (job.status, job.phase, job.kind, job.created_by) == ("previewed", "preview", "veris", admin_user)
    assert (job.read, job.total) == (8, 8)
    report = response.context["report"]
    assert (report["read"], report["created"], report["skipped"], report["errors"]) == (8, 3, 5, [])
    assert report["dry_run"] is True and report["committed"] is False
    assert counts() == before
    assert b'id="import-confirm"' in response.content
    assert b"Preview (dry run, nothing written)" in response.content
    # The upload is kept (through the storage API) for the import; its path is not shown.
    assert [p.name for p in stored_files(upload_root)] == [Path(job.file.name).name]
    assert str(upload_root).encode() not in response.content


def test_confirm_writes_the_rows_shows_the_report_and_forgets_the_upload(
    admin_client, veris_file, upload_root
):
    job = preview(admin_client, "veris", veris_file).context["job"]

    response = confirm(admin_client, job, job.confirm_token)

    assert response.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.phase, job.confirm_token) == ("applied", "apply", "")
    report = response.context["report"]
    assert (report["created"], report["committed"], report["dry_run"]) == (3, True, False)
    assert Incident.objects.count() == 3
    assert set(Vendor.objects.values_list("name", flat=True)) == {
        "Medi-Waste Disposal",
        "Eastern and Coastal Kent Primary Care Trust",
        "Maximum Solutions, Inc.",
    }
    assert b'id="import-confirm"' not in response.content
    assert b"Imported" in response.content
    assert stored_files(upload_root) == []
    # The token is spent: a second confirm imports nothing more.
    again = confirm(admin_client, job, report and "x" * 32)
    assert again.redirect_chain[0][0] == reverse(URL)
    old_token = confirm(admin_client, job, "")
    assert old_token.redirect_chain[0][0] == reverse(URL)
    assert Incident.objects.count() == 3


def test_a_token_is_used_once(admin_client, veris_file):
    job = preview(admin_client, "veris", veris_file).context["job"]
    token = job.confirm_token

    first = confirm(admin_client, job, token)
    second = confirm(admin_client, job, token)

    assert first.context["job"].status == "applied"
    assert second.redirect_chain[0][0] == reverse(URL)
    assert any("upload the file again" in str(m) for m in get_messages(second.wsgi_request))
    assert Incident.objects.count() == 3


def test_another_admin_cannot_confirm_a_preview(admin_client, client, veris_file):
    from tests import factories as f

    job = preview(admin_client, "veris", veris_file).context["job"]
    client.force_login(f.UserFactory(role="admin"))

    page = client.get(reverse(JOB_URL, args=[job.pk]))
    response = confirm(client, job, job.confirm_token)

    assert page.context["token"] is None and job.confirm_token.encode() not in page.content
    assert response.redirect_chain[0][0] == reverse(URL)
    assert Incident.objects.count() == 0


def test_malformed_file_shows_the_error_line_and_no_confirm_button(
    admin_client, broken_veris_file, upload_root
):
    before = counts()

    response = preview(admin_client, "veris", broken_veris_file)

    assert response.status_code == 200
    assert response.context["job"].status == "failed"
    assert response.context["token"] is None
    errors = response.context["errors_shown"]
    assert [e["line"] for e in errors] == [3]
    assert errors[0]["reason"].startswith("not valid JSON")
    assert b"line 3" in response.content
    assert b'id="import-confirm"' not in response.content
    assert stored_files(upload_root) == []  # the refused upload is not kept
    assert counts() == before


def test_forged_token_is_refused_with_a_message_and_nothing_written(admin_client, veris_file):
    job = preview(admin_client, "veris", veris_file).context["job"]
    before = counts()

    response = confirm(admin_client, job, "not-a-token")

    assert response.redirect_chain[0][0] == reverse(URL)
    assert any("upload the file again" in str(m) for m in get_messages(response.wsgi_request))
    assert counts() == before
    job.refresh_from_db()
    assert job.status == "previewed"


def test_unknown_job_is_404(admin_client, db):
    assert admin_client.get(reverse(JOB_URL, args=[999_999])).status_code == 404
    assert admin_client.post(reverse(JOB_URL, args=[999_999]), {"token": "x"}).status_code == 404


def test_vsaq_questionnaire_preview_then_import(admin_client):
    catalog = DATA / "vsaq" / "webapp.json"
    questionnaires, questions = Questionnaire.objects.count(), Question.objects.count()
    response = preview(admin_client, "vsaq", upload(catalog.name, catalog.read_bytes()))

    assert response.status_code == 200
    report = response.context["report"]
    assert report["errors"] == [] and report["read"] > 0
    assert (Questionnaire.objects.count(), Question.objects.count()) == (questionnaires, questions)

    job = response.context["job"]
    done = confirm(admin_client, job, job.confirm_token)

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
    assert not ImportJob.objects.exists()


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

    job = response.context["job"]
    done = confirm(admin_client, job, job.confirm_token)

    assert done.context["report"]["created"] == 1
    incident = Incident.objects.get()
    assert incident.vendor == adobe
    entry = LogEntry.objects.get_for_object(incident).get()
    assert entry.actor == admin_user


def test_a_veris_import_in_bulk_is_attributed_to_the_admin(admin_client, admin_user, veris_file):
    from auditlog.models import LogEntry

    job = preview(admin_client, "veris", veris_file).context["job"]
    confirm(admin_client, job, job.confirm_token)

    incidents = list(Incident.objects.all())
    assert len(incidents) == 3
    for incident in incidents:
        assert LogEntry.objects.get_for_object(incident).get().actor == admin_user
    for vendor in Vendor.objects.all():
        assert LogEntry.objects.get_for_object(vendor).get().actor == admin_user


def test_previews_never_confirmed_lose_their_file_later(admin_client, veris_file, upload_root):
    import datetime as dt

    from django.utils import timezone

    old = preview(admin_client, "veris", veris_file).context["job"]
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(hours=25))

    response = preview(admin_client, "veris", upload("again.jsonl", "".join(first_lines(8))))

    assert response.context["token"]
    old.refresh_from_db()
    assert (old.status, old.confirm_token, old.file.name) == ("failed", "", "")
    assert len(stored_files(upload_root)) == 1  # the new upload only
    assert confirm(admin_client, old, "x").redirect_chain[0][0] == reverse(URL)


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


NESTED = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize(
    "kind, name, content",
    [
        ("veris", "deep.json", NESTED),
        ("veris", "deep.jsonl", NESTED + "\n"),
        ("veris", "deep2.jsonl", '{"incident_id": "x", "a": ' + NESTED + "}\n"),
        ("hibp", "deep.json", NESTED),
        ("oscal", "deep.json", '{"catalog": ' + NESTED + "}"),
        ("vsaq", "deep.json", NESTED),
    ],
)
def test_deeply_nested_json_is_an_error_in_the_page_not_a_500(admin_client, kind, name, content):
    before = counts()

    response = preview(admin_client, kind, upload(name, content))

    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == "failed"
    assert response.context["errors_total"] == 1
    reason = response.context["errors_shown"][0]["reason"]
    assert "nested" in reason
    assert reason.encode() in response.content
    assert b'id="import-confirm"' not in response.content
    assert counts() == before


def test_an_importer_value_error_is_shown_as_the_files_error(admin_client, monkeypatch):
    """What a reader raises as ValueError (e.g. the kernel's depth-guarded loader) is the page's error."""
    from incidents.importers import veris

    def refuse(path):
        raise ValueError("JSON nested deeper than 64 levels")

    monkeypatch.setattr(veris, "read_veris", refuse)

    response = preview(admin_client, "veris", upload("x.jsonl", "{}\n"))

    assert response.context["job"].status == "failed"
    assert response.context["errors_shown"][0]["reason"] == (
        "The file cannot be read: JSON nested deeper than 64 levels"
    )


def test_an_unexpected_error_fails_the_job_and_is_logged(admin_client, monkeypatch, caplog):
    from incidents.importers import veris

    def crash(path):
        raise KeyError("boom")

    monkeypatch.setattr(veris, "read_veris", crash)

    response = preview(admin_client, "veris", upload("x.jsonl", "{}\n"))

    assert response.status_code == 200
    assert response.context["job"].status == "failed"
    assert "unexpected error" in response.context["errors_shown"][0]["reason"]
    assert "boom" not in response.content.decode()


# --- progress and polling -------------------------------------------------------------------------


def test_a_running_job_page_polls_its_progress_and_a_finished_one_stops(admin_client, admin_user):
    job = ImportJob.objects.create(
        kind="veris", file_name="big.jsonl", status="running", read=400, total=3000, created_by=admin_user
    )
    page = admin_client.get(reverse(JOB_URL, args=[job.pk]))
    progress_url = reverse("admin:vendorrisk_import_job_progress", args=[job.pk])

    html = page.content.decode()
    assert f'hx-get="{progress_url}"' in html and 'hx-trigger="every 1s"' in html
    assert "400 of 3,000 records read" in html
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in html

    fragment = admin_client.get(progress_url)
    assert fragment.status_code == 200
    assert "hx-trigger" in fragment.content.decode() and "<html" not in fragment.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(
        status="previewed",
        read=3000,
        confirm_token="t" * 32,
        report={"read": 3000, "created": 5, "updated": 0, "unchanged": 0, "skipped": 2995, "errors": []},
    )
    done = admin_client.get(progress_url).content.decode()
    assert "hx-trigger" not in done
    assert 'id="import-confirm"' in done


def test_the_progress_fragment_is_for_admins_only(client, viewer_all, admin_user):
    job = ImportJob.objects.create(kind="veris", file_name="x.jsonl", status="running", created_by=admin_user)
    client.force_login(viewer_all)

    response = client.get(reverse("admin:vendorrisk_import_job_progress", args=[job.pk]))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_job_is_queued_after_commit_as_the_celery_task(
    admin_client, veris_file, monkeypatch, django_capture_on_commit_callbacks
):
    """The upload queues `vendorrisk.tasks.run_import_job` after its commit; the task claims the job once."""
    from vendorrisk import tasks

    monkeypatch.undo()  # the real queue(), through transaction.on_commit
    sent = []
    monkeypatch.setattr(tasks.run_import_job, "delay", lambda job_id: sent.append(job_id))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse(URL), {"step": "preview", "kind": "veris", "file": veris_file})

    assert len(callbacks) == 1

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(JOB_URL, args=[job.pk])
    assert sent == [job.pk]
    assert job.status == "queued"
    assert tasks.run_import_job.run(job.pk) == "previewed"
    assert tasks.run_import_job.run(job.pk) == "not queued"  # a redelivered task does not run it again


def test_a_job_whose_worker_died_is_run_again_when_the_task_is_redelivered(admin_user, tmp_path):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from vendorrisk import tasks

    job = ImportJob(kind="veris", file_name="vcdb.jsonl", status="running", created_by=admin_user)
    job.file.save("vcdb.jsonl", ContentFile("".join(first_lines(8)).encode()), save=False)
    job.save()
    assert tasks.run_import_job.run(job.pk) == "not queued"  # still running elsewhere

    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))

    assert tasks.run_import_job.run(job.pk) == "previewed"
    job.refresh_from_db()
    assert (job.read, job.report["created"]) == (8, 3)


def test_jobs_are_listed_read_only_in_the_django_admin(admin_client, veris_file):
    job = preview(admin_client, "veris", veris_file).context["job"]

    listed = admin_client.get(reverse("admin:vendorrisk_importjob_changelist"))
    shown = admin_client.get(reverse("admin:vendorrisk_importjob_change", args=[job.pk]))
    edited = admin_client.post(
        reverse("admin:vendorrisk_importjob_change", args=[job.pk]), {"status": "applied"}
    )

    assert listed.status_code == 200 and b"vcdb.jsonl" in listed.content
    assert shown.status_code == 200
    assert job.confirm_token.encode() not in shown.content
    assert edited.status_code == 403
    job.refresh_from_db()
    assert job.status == "previewed"
    assert admin_client.get(reverse("admin:vendorrisk_importjob_add")).status_code == 403


@pytest.mark.parametrize(
    "kind, name, content",
    [
        ("veris", "deep.jsonl", '{"incident_id": "x", "a": ' + "[" * 150 + "]" * 150 + "}\n"),
        ("hibp", "deep.json", "[" + "[" * 150 + "]" * 150 + "]"),
        ("oscal", "deep.json", '{"catalog": ' + "[" * 150 + "]" * 150 + "}"),
    ],
)
def test_json_uploads_go_through_the_same_depth_guard_as_the_api(admin_client, kind, name, content):
    """150 levels parse without RecursionError: only the shared guard (vendorrisk.core.jsonguard) refuses them."""
    response = preview(admin_client, kind, upload(name, content))

    assert response.status_code == 200
    assert response.context["job"].status == "failed"
    assert "JSON nested too deeply" in response.context["errors_shown"][0]["reason"]

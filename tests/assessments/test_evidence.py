"""Evidence: uploads checked by size and content, stored through Django's storage, downloads for readers."""

import datetime as dt
import hashlib

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Evidence
from tests import factories as f

from . import samples
from .helpers import ASSESSMENTS, stored_files


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def assessment(vendor_a):
    return f.AssessmentFactory(vendor=vendor_a)


def evidence_url(assessment) -> str:
    return f"{ASSESSMENTS}{assessment.id}/evidence/"


def post_file(client, assessment, name, data, **extra):
    return client.post(evidence_url(assessment), {"file": upload(name, data), **extra}, format="multipart")


# --- accepted types --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("SOC 2 Type II report.pdf", samples.PDF, "application/pdf"),
        ("diagram.png", samples.PNG, "image/png"),
        ("badge.JPG", samples.JPEG, "image/jpeg"),
        ("photo.jpeg", samples.JPEG, "image/jpeg"),
        (
            "policy.docx",
            samples.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "controls.xlsx",
            samples.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("controls.csv", samples.CSV, "text/csv"),
        ("bridge letter.txt", samples.TEXT, "text/plain"),
        ("bom.txt", b"\xef\xbb\xbfWith a byte-order mark\n", "text/plain"),
    ],
)
def test_accepted_types_are_stored_with_the_sniffed_type(
    security_api, assessment, media_root, security_all, name, data, content_type
):
    response = post_file(security_api, assessment, name, data)
    assert response.status_code == 201, response.json()
    body = response.json()
    evidence = Evidence.objects.get(pk=body["id"])
    assert body["original_name"] == evidence.original_name == name
    assert body["content_type"] == evidence.content_type == content_type
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["assessment"], body["uploaded_by"]) == (assessment.id, security_all.id)
    assert body["download_url"].endswith(f"{evidence_url(assessment)}{evidence.id}/download/")
    # Stored under a random name in evidence/YYYY/MM/, through the storage API (here: the temp MEDIA_ROOT).
    now = timezone.now()
    assert evidence.file.name.startswith(f"evidence/{now:%Y}/{now:%m}/")
    assert name not in evidence.file.name
    assert stored_files(media_root) == [evidence.file.name]
    assert (media_root / evidence.file.name).read_bytes() == data


def test_the_declared_content_type_is_ignored(security_api, assessment):
    response = post_file(security_api, assessment, "shot.png", samples.PNG, content_type="application/pdf")
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


# --- refused types: 400 on "file", nothing stored --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("report.pdf", samples.PNG, "named as a PDF document but its content is a PNG image"),
        ("report.pdf", samples.ELF, "named as a PDF document but its content is a Linux executable (ELF)"),
        ("report.pdf", samples.EXE, "named as a PDF document but its content is a Windows executable"),
        ("setup.exe", samples.EXE, "The file's content is a Windows executable, which is not accepted"),
        ("report.pdf", samples.TEXT, "its content is plain text"),
        ("controls.csv", samples.PDF, "named as CSV text but its content is a PDF document"),
        ("image.jpg", samples.PNG, "named as a JPEG image but its content is a PNG image"),
        ("policy.docx", samples.XLSX, "named as a Word document but its content is an Excel workbook"),
        ("policy.docx", samples.PLAIN_ZIP, "named as a Word document but its content is a ZIP archive, not"),
        ("bundle.zip", samples.PLAIN_ZIP, "The file's content is a ZIP archive, not an Office document"),
        ("policy.docx", samples.DOCM, "macro-enabled Office document"),
        ("policy.docx", samples.DOCX[:40], "damaged or truncated"),
        ("deck.pptx", samples.office("ppt/presentation.xml"), "only Word and Excel"),
        ("notes.txt", b"abc\x00def", "named as plain text but its content is binary data"),
        ("notes.txt", b"caf\xe9 latin-1\n", "binary data"),
        ("page.html", b"<html><body>hi</body></html>", "“.html”"),
        ("README", samples.TEXT, "no extension"),
        ("scan.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    ],
)
def test_refused_content_is_400_on_file_and_stores_nothing(
    security_api, assessment, media_root, name, data, says
):
    response = post_file(security_api, assessment, name, data)
    assert response.status_code == 400
    messages = response.json()["file"]
    assert any(says in m for m in messages), messages
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_an_empty_file_is_400(security_api, assessment):
    response = post_file(security_api, assessment, "empty.pdf", b"")
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_missing_file_is_400(security_api, assessment):
    response = security_api.post(evidence_url(assessment), {"expires_on": "2027-01-01"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    # An upload is multipart only: a JSON body is an unsupported media type, not a file.
    response = security_api.post(evidence_url(assessment), {"file": "report.pdf"}, format="json")
    assert response.status_code == 415


# --- size limits -----------------------------------------------------------------------------------


def test_a_file_over_the_evidence_limit_is_400_naming_the_field(
    security_api, assessment, settings, media_root
):
    settings.VENDORRISK_EVIDENCE_MAX_BYTES = len(samples.PDF)
    assert post_file(security_api, assessment, "exact.pdf", samples.PDF).status_code == 201
    response = post_file(security_api, assessment, "big.pdf", samples.PDF + b"%")
    assert response.status_code == 400
    assert f"at most {len(samples.PDF):,} bytes" in response.json()["file"][0]
    assert Evidence.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_the_default_evidence_limit_is_20_mb():
    from django.conf import settings

    assert settings.VENDORRISK_EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


def test_a_body_over_the_request_limit_is_413(security_api, assessment, settings, media_root):
    settings.MAX_REQUEST_BODY_BYTES = 2048
    response = post_file(security_api, assessment, "huge.pdf", samples.PDF + b"0" * 4096)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_a_large_text_file_is_checked_across_chunks(security_api, assessment, settings):
    """Text is validated over the whole streamed file: a character split by a chunk boundary is fine, a NUL
    byte far past the start is caught."""
    settings.VENDORRISK_EVIDENCE_MAX_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # stream to a temporary file, read back in 64 KiB chunks
    clean = b"col\n" + "row,é\n".encode() * 30_000  # the é at byte 65535 straddles the first boundary
    assert clean[65535:65537] == "é".encode()
    assert post_file(security_api, assessment, "big.csv", clean).status_code == 201
    response = post_file(security_api, assessment, "bad.csv", clean + b"\x00")
    assert response.status_code == 400
    assert "binary data" in response.json()["file"][0]


# --- expiry date -----------------------------------------------------------------------------------


def test_expires_on_is_stored_and_reported_as_expired_once_past(security_api, assessment):
    today = timezone.localdate()
    body = post_file(
        security_api,
        assessment,
        "soc2.pdf",
        samples.PDF,
        expires_on=(today + dt.timedelta(days=90)).isoformat(),
    ).json()
    assert (body["expires_on"], body["expired"]) == ((today + dt.timedelta(days=90)).isoformat(), False)
    old = post_file(
        security_api,
        assessment,
        "old.pdf",
        samples.PDF,
        expires_on=(today - dt.timedelta(days=1)).isoformat(),
    ).json()
    assert old["expired"] is True
    none = post_file(security_api, assessment, "policy.pdf", samples.PDF).json()
    assert (none["expires_on"], none["expired"]) == (None, False)


def test_an_invalid_expires_on_is_400_naming_it(security_api, assessment, media_root):
    response = post_file(security_api, assessment, "soc2.pdf", samples.PDF, expires_on="next year")
    assert response.status_code == 400
    assert "expires_on" in response.json()
    assert stored_files(media_root) == []


# --- listing and downloading -----------------------------------------------------------------------


@pytest.fixture
def uploaded(security_api, assessment):
    response = post_file(security_api, assessment, "Rapport d’audit SOC 2.pdf", samples.PDF)
    assert response.status_code == 201
    return Evidence.objects.get(pk=response.json()["id"])


def download_url(evidence) -> str:
    return f"{ASSESSMENTS}{evidence.assessment_id}/evidence/{evidence.id}/download/"


def test_the_list_shows_metadata_newest_first(viewer_lab_a_api, security_api, assessment, uploaded):
    second = post_file(security_api, assessment, "later.png", samples.PNG).json()
    rows = viewer_lab_a_api.get(evidence_url(assessment)).json()
    assert [r["id"] for r in rows] == [second["id"], uploaded.id]
    assert rows[1]["original_name"] == "Rapport d’audit SOC 2.pdf"
    assert rows[1]["uploaded_by_name"] == "security_all"
    other = f.AssessmentFactory(vendor=assessment.vendor)
    assert viewer_lab_a_api.get(evidence_url(other)).json() == []


def test_a_lab_limited_viewer_downloads_the_file_as_an_attachment(viewer_lab_a_api, uploaded):
    response = viewer_lab_a_api.get(download_url(uploaded))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Rapport%20d%E2%80%99audit%20SOC%202.pdf" in disposition


def test_vendor_records_are_shared_so_another_labs_viewer_downloads_too(
    api_client_for, viewer_lab_b, uploaded
):
    # The vendor has engagements only with Lab A; assessments and their evidence are shared knowledge.
    response = api_client_for(viewer_lab_b).get(download_url(uploaded))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF


def test_a_download_ignores_the_accept_header(viewer_api, uploaded):
    response = viewer_api.get(download_url(uploaded), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200


def test_text_is_served_as_utf8_text(security_api, viewer_api, assessment):
    body = post_file(security_api, assessment, "controls.csv", samples.CSV).json()
    response = viewer_api.get(body["download_url"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content) == samples.CSV


def test_anonymous_users_get_401_on_every_evidence_endpoint(api_client, assessment, uploaded):
    for url in (
        evidence_url(assessment),
        f"{evidence_url(assessment)}{uploaded.id}/",
        download_url(uploaded),
    ):
        assert api_client.get(url).status_code == 401
    assert post_file(api_client, assessment, "x.pdf", samples.PDF).status_code == 401
    assert api_client.delete(f"{evidence_url(assessment)}{uploaded.id}/").status_code == 401
    assert Evidence.objects.count() == 1


def test_evidence_of_another_assessment_is_404(viewer_api, security_api, uploaded, vendor_b):
    other = f.AssessmentFactory(vendor=vendor_b)
    wrong = f"{ASSESSMENTS}{other.id}/evidence/{uploaded.id}/"
    assert viewer_api.get(f"{wrong}download/").status_code == 404
    assert viewer_api.get(wrong).status_code == 404
    assert security_api.delete(wrong).status_code == 404
    assert Evidence.objects.filter(pk=uploaded.pk).exists()


def test_unknown_assessments_and_evidence_are_404(viewer_api, security_api, uploaded):
    missing = Assessment.objects.order_by("-id").first().id + 100
    assert viewer_api.get(f"{ASSESSMENTS}{missing}/evidence/").status_code == 404
    assert post_file(security_api, Assessment(id=missing), "x.pdf", samples.PDF).status_code == 404
    assert viewer_api.get(f"{ASSESSMENTS}{missing}/evidence/{uploaded.id}/download/").status_code == 404
    gone = f"{ASSESSMENTS}{uploaded.assessment_id}/evidence/{uploaded.id + 100}/download/"
    assert viewer_api.get(gone).status_code == 404


def test_a_file_missing_from_storage_is_404_not_500(viewer_api, uploaded, media_root):
    (media_root / uploaded.file.name).unlink()
    response = viewer_api.get(download_url(uploaded))
    assert response.status_code == 404
    assert "missing" in response.json()["detail"]


# --- who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "upload_status"), [("viewer", 403), ("procurement", 403), ("security", 201), ("admin", 201)]
)
def test_only_security_and_admin_upload(
    api_client_for, role_users, assessment, role, upload_status, media_root
):
    client = api_client_for(role_users[role])
    assert post_file(client, assessment, "soc2.pdf", samples.PDF).status_code == upload_status
    assert Evidence.objects.count() == (1 if upload_status == 201 else 0)
    assert len(stored_files(media_root)) == Evidence.objects.count()
    assert client.get(evidence_url(assessment)).status_code == 200  # every role reads


@pytest.mark.parametrize("role", ["viewer", "procurement", "security", "admin"])
def test_every_role_reads_and_downloads(api_client_for, role_users, uploaded, role):
    client = api_client_for(role_users[role])
    assert client.get(f"{evidence_url(uploaded.assessment)}{uploaded.id}/").json()["id"] == uploaded.id
    assert client.get(download_url(uploaded)).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("procurement", 403), ("security", 204), ("admin", 204)]
)
def test_only_security_and_admin_delete(
    api_client_for, role_users, uploaded, media_root, django_capture_on_commit_callbacks, role, status
):
    url = f"{evidence_url(uploaded.assessment)}{uploaded.id}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client_for(role_users[role]).delete(url).status_code == status
    deleted = status == 204
    assert Evidence.objects.filter(pk=uploaded.pk).exists() is not deleted
    assert stored_files(media_root) == ([] if deleted else [uploaded.file.name])


def test_evidence_of_a_completed_assessment_cannot_be_deleted(security_api, uploaded, media_root):
    Assessment.objects.filter(pk=uploaded.assessment_id).update(
        status="completed",
        completed_at=timezone.now(),
        valid_until=dt.date(2030, 1, 1),
        score=90,
        rating="strong",
    )
    response = security_api.delete(f"{evidence_url(uploaded.assessment)}{uploaded.id}/")
    assert response.status_code == 409
    assert "kept" in response.json()["detail"]
    assert Evidence.objects.filter(pk=uploaded.pk).exists()
    assert stored_files(media_root) == [uploaded.file.name]
    # Uploading more evidence to a completed assessment is allowed: it changes no answer or score.
    assert post_file(security_api, uploaded.assessment, "renewal.pdf", samples.PDF).status_code == 201


def test_an_assessment_with_evidence_cannot_be_deleted(security_api, uploaded):
    response = security_api.delete(f"{ASSESSMENTS}{uploaded.assessment_id}/")
    assert response.status_code == 409
    assert response.json()["blockers"]["evidence"] == {"count": 1, "ids": [uploaded.id]}
    assert Assessment.objects.filter(pk=uploaded.assessment_id).exists()


def test_uploads_and_deletes_are_audited_as_the_actor(security_api, security_all, uploaded):
    entry = LogEntry.objects.get_for_object(uploaded).get(action=LogEntry.Action.CREATE)
    assert entry.actor == security_all
    security_api.delete(f"{evidence_url(uploaded.assessment)}{uploaded.id}/")
    assert LogEntry.objects.filter(
        object_pk=str(uploaded.pk), action=LogEntry.Action.DELETE, actor=security_all
    ).exists()


# --- the service directly (what the UI calls) ------------------------------------------------------


def test_a_failed_row_write_removes_the_stored_file(assessment, security_all, media_root, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.evidence_upload(
            actor=security_all, assessment=assessment, file=upload("soc2.pdf", samples.PDF), expires_on=None
        )
    assert stored_files(media_root) == []


def test_the_service_refuses_a_datetime_for_expires_on(assessment, security_all):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.evidence_upload(
            actor=security_all,
            assessment=assessment,
            file=upload("soc2.pdf", samples.PDF),
            expires_on=timezone.now(),
        )
    assert "expires_on" in error.value.message_dict

"""Evidence uploads: the file's type is judged by its content, not its name; deletes remove the file after
commit. A completed assessment keeps its evidence."""

import codecs
import hashlib
import logging
import os
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from vendorrisk.core import events
from vendorrisk.core.audit import acting_as
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.services import model_delete

from ..choices import AssessmentStatus
from ..events import evidence_event
from ..models import Assessment, Evidence

logger = logging.getLogger(__name__)

HEAD_BYTES = 8192  # enough for every magic number the sniffers look at


@dataclass(frozen=True)
class EvidenceType:
    label: str  # as in "its content is a PDF document"
    content_type: str
    extensions: tuple[str, ...]


EVIDENCE_TYPES = {
    "pdf": EvidenceType("a PDF document", "application/pdf", (".pdf",)),
    "png": EvidenceType("a PNG image", "image/png", (".png",)),
    "jpeg": EvidenceType("a JPEG image", "image/jpeg", (".jpg", ".jpeg")),
    "docx": EvidenceType(
        "a Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": EvidenceType(
        "an Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
    ),
    "text": EvidenceType("plain text", "text/plain", (".txt",)),
    "csv": EvidenceType("CSV text", "text/csv", (".csv",)),
}
EXTENSION_TYPES = {ext: key for key, t in EVIDENCE_TYPES.items() for ext in t.extensions}
ACCEPTED = "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), plain text (.txt) and CSV (.csv)"
# Names for content that is refused, so the message says what the file really is.
REFUSED_LABELS = {
    "exe": "a Windows executable",
    "elf": "a Linux executable (ELF)",
    "zip": "a ZIP archive",
    "doc": "an old-format Word document (.doc; save it as .docx or PDF)",
    "xls": "an old-format Excel workbook (.xls; save it as .xlsx or CSV)",
}
OFFICE_MAIN_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


class _RefusedContent(Exception):  # noqa: N818 (internal signal, turned into a field error below)
    def __init__(self, label: str):
        super().__init__(label)
        self.label = label


def _office_kind(file) -> str:
    """docx or xlsx for an Office Open XML package; anything else in a ZIP is refused."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _RefusedContent("a damaged or truncated ZIP archive")
    if "[Content_Types].xml" not in names:
        raise _RefusedContent("a ZIP archive, not an Office document")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _RefusedContent("a macro-enabled Office document (save it without macros, or as PDF)")
    for part, kind in OFFICE_MAIN_PARTS.items():
        if part in names:
            return kind
    raise _RefusedContent("an Office document of a kind that is not accepted (only Word and Excel are)")


def _sniff(file, head: bytes) -> str | None:
    """The evidence type key of the content, None for text candidates; _RefusedContent for anything else."""
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == "application/pdf":
        return "pdf"
    if mime in ("image/png", "image/apng"):
        return "png"
    if mime == "image/jpeg":
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    if kind is not None:
        raise _RefusedContent(REFUSED_LABELS.get(kind.extension, f"{kind.mime} (.{kind.extension})"))
    return None


def _refused(name: str, ext: str, label: str) -> ValidationError:
    named = EXTENSION_TYPES.get(ext)
    what = (
        f"“{name}” is named as {EVIDENCE_TYPES[named].label} but its content is {label}"
        if named
        else f"The file's content is {label}"
    )
    return _file_error(f"{what}, which is not accepted as evidence. Accepted: {ACCEPTED}.")


def _digest(file, *, check_text: bool) -> tuple[int, str, bool]:
    """Size, SHA-256 and (when asked) whether the content is UTF-8 text without NUL bytes, in one pass."""
    file.seek(0)
    sha, size, is_text = hashlib.sha256(), 0, check_text
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(64 * 1024), b""):
        sha.update(chunk)
        size += len(chunk)
        if is_text:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_text = False
            else:
                is_text = b"\x00" not in chunk
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    file.seek(0)
    return size, sha.hexdigest(), is_text


def _original_name(file) -> str:
    name = str(getattr(file, "name", "") or "")
    if "\x00" in name:
        raise _file_error("The file name contains a NUL byte.")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name or name in (".", ".."):
        raise _file_error("The file has no name: give it one with its type's extension (e.g. report.pdf).")
    stem, ext = os.path.splitext(name)
    if len(name) > 255:  # keep the extension, which the type check and the download rely on
        name = stem[: 255 - len(ext)] + ext
    return name


def _evidence_type(file, name: str, head: bytes) -> tuple[EvidenceType, int, str]:
    ext = os.path.splitext(name)[1].lower()
    try:
        content_key = _sniff(file, head)
    except _RefusedContent as refused:
        raise _refused(name, ext, refused.label)
    size, sha256, is_text = _digest(file, check_text=content_key is None)
    if content_key is None:
        if not is_text:
            raise _refused(name, ext, "binary data of an unrecognised type")
        content_key = "csv" if ext == ".csv" else "text"
    content = EVIDENCE_TYPES[content_key]
    if ext not in content.extensions:
        named = EXTENSION_TYPES.get(ext)
        if named is None:
            wanted = " or ".join(f"“{e}”" for e in content.extensions)
            raise _file_error(
                f"“{name}” has {'the extension “' + ext + '”' if ext else 'no extension'}, "
                f"but its content is {content.label}: name it with {wanted}. Accepted: {ACCEPTED}."
            )
        raise _file_error(
            f"“{name}” is named as {EVIDENCE_TYPES[named].label} but its content is {content.label}. "
            "Upload the real document, or name the file after what it is."
        )
    return content, size, sha256


def evidence_upload(*, actor, assessment: Assessment, file, expires_on: date | None = None) -> Evidence:
    """Store a document for an assessment, checked by size and by content (never by its name alone)."""
    if file is None:
        raise _file_error("No file was submitted.")
    if expires_on is not None and (isinstance(expires_on, datetime) or not isinstance(expires_on, date)):
        raise ValidationError({"expires_on": "Give a date (YYYY-MM-DD)."})
    limit = settings.VENDORRISK_EVIDENCE_MAX_BYTES
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise _file_error(f"The file is {declared:,} bytes; evidence may be at most {limit:,} bytes.")
    name = _original_name(file)
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if not head:
        raise _file_error("The file is empty.")
    content, size, sha256 = _evidence_type(file, name, head)
    if size > limit:
        raise _file_error(f"The file is {size:,} bytes; evidence may be at most {limit:,} bytes.")

    evidence = Evidence(
        assessment=assessment,
        original_name=name,
        content_type=content.content_type,
        size=size,
        sha256=sha256,
        expires_on=expires_on,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # A random stored name: the uploader's name never becomes a path. The storage writes first; if the row
    # cannot be written the stored file is removed again, so nothing is left half-written.
    ext = os.path.splitext(name)[1].lower()
    evidence.file.save(f"{uuid.uuid4().hex}{ext}", File(file), save=False)
    try:
        with transaction.atomic(), acting_as(actor):
            evidence.full_clean()
            evidence.save()
            events.record_many([evidence_event("uploaded", evidence)], actor=actor)
    except BaseException:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, actor, instance: Evidence) -> None:
    """Delete an uploaded document; the stored file goes once the delete commits."""
    if instance.assessment.status == AssessmentStatus.COMPLETED:
        raise ApplicationError(
            "This assessment is completed: its evidence is kept as part of the record and cannot be deleted."
        )
    storage, name = instance.file.storage, instance.file.name
    deleted = evidence_event("deleted", instance)
    model_delete(instance, actor=actor)
    events.record_many([deleted], actor=actor)

    def remove_file() -> None:
        try:
            storage.delete(name)
        except OSError:  # the row is gone either way; a leftover file is only wasted space
            logger.warning("Could not delete evidence file %s", name, exc_info=True)

    transaction.on_commit(remove_file)

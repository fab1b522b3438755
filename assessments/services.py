"""Writes for questionnaires (versioned), assessments and findings."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.accounts import check_assignee
from vendorrisk.audit import acting_as
from vendorrisk.errors import ApplicationError
from vendorrisk.services import blocker, model_create, model_delete, model_update
from vendors import dirty

from .choices import AssessmentStatus
from .models import Assessment, Finding, Question, Questionnaire


def _write_questions(questionnaire: Questionnaire, questions: list[dict]) -> None:
    """Create questions in order; conditions refer to another question's code in the same questionnaire."""
    codes = [q["code"] for q in questions]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValidationError({"questions": f"Question codes must be unique; repeated: {', '.join(dupes)}."})
    by_code: dict[str, Question] = {}
    for position, q in enumerate(questions):
        condition = q.get("condition") or None
        question = Question(
            questionnaire=questionnaire,
            code=q["code"],
            domain=q.get("domain", ""),
            text=q["text"],
            weight=q.get("weight", 1),
            position=position,
        )
        if condition:
            target = by_code.get(condition["question"])
            if target is None:
                raise ValidationError(
                    {
                        "questions": f"Question {q['code']}: the condition names {condition['question']!r}, "
                        "which is not an earlier question of this questionnaire."
                    }
                )
            question.condition_question = target
            question.condition_responses = condition["responses"]
        try:
            question.full_clean()
        except ValidationError as exc:
            raise ValidationError({"questions": [f"Question {q['code']}: {m}" for m in exc.messages]})
        question.save()
        by_code[question.code] = question


def _question_dicts(questionnaire: Questionnaire) -> list[dict]:
    return [
        {
            "code": q.code,
            "domain": q.domain,
            "text": q.text,
            "weight": q.weight,
            "condition": (
                {"question": q.condition_question.code, "responses": q.condition_responses}
                if q.condition_question_id
                else None
            ),
        }
        for q in questionnaire.questions.select_related("condition_question").order_by("position", "id")
    ]


@transaction.atomic
def questionnaire_create(*, actor, questions: list[dict] | None = None, **data) -> Questionnaire:
    questionnaire = model_create(Questionnaire, actor=actor, data=data)
    with acting_as(actor):
        _write_questions(questionnaire, questions or [])
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *, actor, instance: Questionnaire, questions: list[dict] | None = None, **data
) -> Questionnaire:
    """Edit in place while unused; once an assessment uses it, write a new version instead."""
    if instance.assessments.exists():
        latest = (
            Questionnaire.objects.filter(name=data.get("name", instance.name)).order_by("-version").first()
        )
        new_data = {
            "name": instance.name,
            "source": instance.source,
            "description": instance.description,
            **data,
            "version": (latest.version if latest else instance.version) + 1,
        }
        return questionnaire_create(
            actor=actor,
            questions=questions if questions is not None else _question_dicts(instance),
            **new_data,
        )
    questionnaire, _ = model_update(instance, actor=actor, data=data)
    if questions is not None:
        with acting_as(actor):
            questionnaire.questions.all().delete()
            _write_questions(questionnaire, questions)
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, actor, instance: Questionnaire) -> None:
    model_delete(
        instance, actor=actor, blockers={"assessments": blocker(instance.assessments.all(), actor=actor)}
    )


@transaction.atomic
def assessment_create(*, actor, **data) -> Assessment:
    if data.get("status") == AssessmentStatus.COMPLETED:
        raise ValidationError({"status": "Create the assessment as draft or in_progress, then complete it."})
    check_assignee(field="assessor", user=data.get("assessor"))
    assessment = model_create(Assessment, actor=actor, data=data)
    return assessment


@transaction.atomic
def assessment_update(*, actor, instance: Assessment, **data) -> Assessment:
    if instance.status == AssessmentStatus.COMPLETED:
        locked = set(data) - {"notes"}
        if any(getattr(instance, f) != v for f, v in data.items() if f in locked):
            raise ApplicationError("This assessment is completed and locked; only its notes can change.")
    elif data.get("status") == AssessmentStatus.COMPLETED:
        raise ApplicationError("Use the complete action to complete an assessment.")
    check_assignee(field="assessor", user=data.get("assessor"), previous_id=instance.assessor_id)
    old_vendor = instance.vendor_id
    assessment, changed = model_update(instance, actor=actor, data=data)
    if "vendor" in changed and assessment.status == AssessmentStatus.COMPLETED:
        dirty.mark_vendor(vendor_id=old_vendor, cause=f"assessment {assessment.id} updated")
    return assessment


@transaction.atomic
def assessment_delete(*, actor, instance: Assessment) -> None:
    was_completed = instance.status == AssessmentStatus.COMPLETED
    vendor_id, pk = instance.vendor_id, instance.pk
    model_delete(
        instance,
        actor=actor,
        blockers={
            "findings": blocker(instance.findings.all(), actor=actor),
            "evidence": blocker(instance.evidence.all(), actor=actor),
        },
    )
    if was_completed:
        dirty.mark_vendor(vendor_id=vendor_id, cause=f"assessment {pk} deleted")


def _check_finding(data: dict, instance: Finding | None = None) -> None:
    """An owner is an active user (when set or changed); due_on must be a date, not a datetime."""
    check_assignee(field="owner", user=data.get("owner"), previous_id=getattr(instance, "owner_id", None))
    due_on = data.get("due_on")
    if due_on is not None and (isinstance(due_on, datetime) or not isinstance(due_on, date)):
        raise ValidationError({"due_on": "Give a date (YYYY-MM-DD)."})


@transaction.atomic
def finding_create(*, actor, **data) -> Finding:
    _check_finding(data)
    return model_create(Finding, actor=actor, data=data)


@transaction.atomic
def finding_update(*, actor, instance: Finding, **data) -> Finding:
    _check_finding(data, instance)
    return model_update(instance, actor=actor, data=data)[0]


@transaction.atomic
def finding_delete(*, actor, instance: Finding) -> None:
    model_delete(instance, actor=actor)


# --- answering and completing ----------------------------------------------------------------------

from decimal import ROUND_HALF_UP, Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from vendorrisk.core.dates import add_months  # noqa: E402
from vendors.models import Engagement  # noqa: E402
from vendors.rules import highest_criticality  # noqa: E402

from .choices import Rating, Response  # noqa: E402
from .models import Answer  # noqa: E402

RESPONSE_VALUE = {Response.YES: Decimal(1), Response.PARTIAL: Decimal("0.5"), Response.NO: Decimal(0)}
RATING_FLOORS = [
    (Decimal(85), Rating.STRONG),
    (Decimal(70), Rating.SATISFACTORY),
    (Decimal(50), Rating.NEEDS_IMPROVEMENT),
]


def applicable_questions(questions, responses: dict[int, str]) -> list:
    """Questions that apply given the answers: a conditional one applies when its condition holds."""
    by_id = {q.id: q for q in questions}
    memo: dict[int, bool] = {}

    def applies(q, depth=0) -> bool:
        if q.id in memo:
            return memo[q.id]
        result = True
        if q.condition_question_id and depth < 50:
            parent = by_id.get(q.condition_question_id)
            result = (
                parent is not None
                and applies(parent, depth + 1)
                and responses.get(parent.id) in set(q.condition_responses)
            )
        memo[q.id] = result
        return result

    return [q for q in questions if applies(q)]


def assessment_score(questions, responses: dict[int, str]) -> Decimal | None:
    """Weighted mean of answered applicable questions (yes 1, partial 0.5, no 0, na excluded) × 100, 1 dp."""
    total = weight = Decimal(0)
    for q in applicable_questions(questions, responses):
        response = responses.get(q.id)
        if response in RESPONSE_VALUE:
            total += Decimal(q.weight) * RESPONSE_VALUE[response]
            weight += Decimal(q.weight)
    if weight == 0:
        return None
    return (total / weight * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rating_for(score: Decimal) -> str:
    for floor, rating in RATING_FLOORS:
        if score >= floor:
            return rating
    return Rating.UNSATISFACTORY


def default_valid_until(vendor_id: int, today: date) -> date:
    """From the vendor's highest exposing engagement criticality (configurable months)."""
    months = settings.VENDORRISK_ASSESSMENT_VALIDITY_MONTHS
    exposing = Engagement.objects.filter(vendor_id=vendor_id).exposing()
    highest = highest_criticality(exposing.values_list("criticality", flat=True)) or "none"
    return add_months(today, months[highest])


def _locked(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.COMPLETED:
        raise ApplicationError("This assessment is completed; its answers are locked.")


@transaction.atomic
def answers_put(*, actor, assessment: Assessment, answers: list[dict]) -> list[Answer]:
    """Create or replace the given answers (others are kept). Questions must be the questionnaire's own."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _locked(assessment)
    questions = {q.id: q for q in assessment.questionnaire.questions.all()}
    errors = {}
    for index, item in enumerate(answers):
        if item["question"] not in questions:
            errors[str(index)] = (
                f"Question {item['question']} is not part of this assessment's questionnaire."
            )
    if errors:
        raise ValidationError({"answers": [f"item {k}: {v}" for k, v in errors.items()]})
    existing = {a.question_id: a for a in assessment.answers.all()}
    with acting_as(actor):
        for item in answers:
            answer = existing.get(item["question"])
            if answer is None:
                Answer.objects.create(
                    assessment=assessment,
                    question_id=item["question"],
                    response=item["response"],
                    comment=item.get("comment", ""),
                )
            elif (answer.response, answer.comment) != (item["response"], item.get("comment", "")):
                answer.response, answer.comment = item["response"], item.get("comment", "")
                answer.save()
        if assessment.status == AssessmentStatus.DRAFT and answers:
            assessment.status = AssessmentStatus.IN_PROGRESS
            assessment.save()
    return list(assessment.answers.select_related("question").order_by("question__position", "question_id"))


@transaction.atomic
def assessment_complete(
    *, actor, assessment: Assessment, valid_until: date | None = None, completed_at: datetime | None = None
) -> Assessment:
    """Score, rate and lock the assessment. `completed_at` (default now) records a completion made earlier
    (the demo's history); the default validity counts from it."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _locked(assessment)
    questions = list(assessment.questionnaire.questions.all())
    responses = dict(assessment.answers.values_list("question_id", "response"))
    missing = [q.code for q in applicable_questions(questions, responses) if q.id not in responses]
    if missing:
        shown = ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")
        raise ApplicationError(
            f"{len(missing)} applicable question(s) are unanswered: {shown}.", extra={"unanswered": missing}
        )
    score = assessment_score(questions, responses)
    if score is None:
        raise ApplicationError("Every answer is “not applicable”: at least one question needs a real answer.")
    completed_at = completed_at or timezone.now()
    assessment.score = score
    assessment.rating = rating_for(score)
    assessment.completed_at = completed_at
    assessment.valid_until = valid_until or default_valid_until(assessment.vendor_id, completed_at.date())
    assessment.status = AssessmentStatus.COMPLETED
    if actor is not None and getattr(actor, "is_authenticated", False) and assessment.assessor_id is None:
        assessment.assessor = actor
    with acting_as(actor):
        assessment.full_clean()
        assessment.save()
    dirty.mark_vendor(vendor_id=assessment.vendor_id, cause=f"assessment {assessment.id} completed")
    return assessment


# --- evidence --------------------------------------------------------------------------------------

import codecs  # noqa: E402
import hashlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import uuid  # noqa: E402
import zipfile  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import filetype  # noqa: E402
from django.core.files import File  # noqa: E402

from .models import Evidence  # noqa: E402

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
    model_delete(instance, actor=actor)

    def remove_file() -> None:
        try:
            storage.delete(name)
        except OSError:  # the row is gone either way; a leftover file is only wasted space
            logger.warning("Could not delete evidence file %s", name, exc_info=True)

    transaction.on_commit(remove_file)


# --- expiry reminders ------------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.mail import send_mail  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402

from vendorrisk.roles import Role  # noqa: E402

REMINDER_DAYS = (30, 7, 1)


def _reminder_recipients() -> list[str]:
    users = get_user_model().objects.filter(role=Role.SECURITY, is_active=True).exclude(email="")
    emails = set(settings.VENDORRISK_ALERT_EMAILS) | set(users.values_list("email", flat=True))
    return sorted(emails, key=str.lower)


def assessment_send_reminders(*, today: date | None = None) -> int:
    """Email once per (assessment, threshold) when a completed assessment is 30, 7 or 1 days from expiry.

    A run that was missed is caught up the next day (the reminder due is the smallest threshold at or
    above the days left); an assessment already renewed by a later-valid one of the same vendor is skipped.
    Returns the number of reminders sent.
    """
    today = today or timezone.localdate()
    renewed = Assessment.objects.filter(
        vendor_id=OuterRef("vendor_id"),
        status=AssessmentStatus.COMPLETED,
        valid_until__gt=OuterRef("valid_until"),
    )
    sent = 0
    with transaction.atomic():
        candidates = list(
            Assessment.objects.filter(
                status=AssessmentStatus.COMPLETED,
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=max(REMINDER_DAYS)),
            )
            .exclude(Exists(renewed))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("vendor", "questionnaire")
            .order_by("valid_until", "id")
        )
        recipients = _reminder_recipients() if candidates else []
        for assessment in candidates:
            days_left = (assessment.valid_until - today).days
            threshold = min(t for t in REMINDER_DAYS if t >= days_left)
            done = set(assessment.reminders_sent or [])
            if threshold in done:
                continue
            if not recipients:
                logger.warning("No recipients for the reminder of assessment %s", assessment.id)
            else:
                day_word = "day" if days_left == 1 else "days"
                when = "today" if days_left == 0 else f"in {days_left} {day_word}"
                send_mail(
                    f"Assessment of {assessment.vendor.name} expires {when}",
                    "\n".join(
                        [
                            f"The assessment of {assessment.vendor.name} against {assessment.questionnaire} "
                            f"(assessment {assessment.id}, rated {assessment.get_rating_display().lower()}, "
                            f"score {assessment.score}) is valid until {assessment.valid_until.isoformat()}.",
                            "",
                            "Once it expires the vendor's likelihood falls back to that of an unassessed "
                            "vendor. Start a new assessment to renew it.",
                        ]
                    ),
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
                sent += 1
            # Larger thresholds are behind us too: never send a 30-day reminder after the 7-day one.
            done |= {t for t in REMINDER_DAYS if t >= threshold}
            Assessment.objects.filter(pk=assessment.pk).update(reminders_sent=sorted(done, reverse=True))
    return sent

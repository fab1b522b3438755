"""Write parsed questionnaires through the services (management commands, admin uploads).

Re-importing is idempotent: the questionnaire is matched by name + source (its latest version). Unchanged
content writes nothing; changed content is edited in place while no assessment uses the questionnaire,
else written as a new version (assessments.services.questionnaire_update decides). The whole import is
one transaction: a file or record that cannot be read fails it with its location and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.importers.report import ImportFailed, ImportReport, describe_validation_error
from vendorrisk.core.errors import ApplicationError

from ..models import Questionnaire
from ..services import questionnaire_create, questionnaire_update
from .parsed import ParsedQuestionnaire, SourceSyntaxError

MAX_FILE_BYTES = 20 * 1024 * 1024

Parser = Callable[..., ParsedQuestionnaire]


class _Rollback(Exception):
    pass


def read_questionnaire_files(
    paths: Iterable[str | Path],
    parse: Parser,
    *,
    name: str | None = None,
    suffixes: tuple[str, ...] = (".json",),
) -> tuple[list[ParsedQuestionnaire], list[dict]]:
    """Parse every file (a folder stands for the files in it with one of `suffixes`).

    Returns the parsed questionnaires and the file-level errors ({"line"|"record", "reason"}).
    """
    files: list[Path] = []
    errors: list[dict] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            if not found:
                errors.append(
                    {"record": str(path), "reason": f"no {'/'.join(suffixes)} files in this folder."}
                )
            files.extend(found)
        else:
            files.append(path)
    if name and len(files) > 1:
        errors.append({"record": "--name", "reason": "--name can only be used when importing a single file."})
        return [], errors

    parsed_list: list[ParsedQuestionnaire] = []
    for path in files:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise SourceSyntaxError(
                    path.name, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
                )
            text = path.read_bytes().decode("utf-8-sig")
            parsed_list.append(parse(text, file=path.name, name=name))
        except FileNotFoundError:
            errors.append({"record": str(path), "reason": "no such file."})
        except UnicodeDecodeError as exc:
            errors.append({"record": path.name, "reason": f"not UTF-8 text (byte {exc.start})."})
        except OSError as exc:
            errors.append({"record": str(path), "reason": f"cannot be read ({exc.strerror})."})
        except SourceSyntaxError as exc:
            errors.append(exc.as_error())
    seen: dict[tuple[str, str], str] = {}
    for parsed in parsed_list:
        key = (parsed.name, parsed.source)
        if key in seen:
            errors.append(
                {
                    "record": parsed.file,
                    "reason": f"defines the questionnaire {parsed.name!r}, "
                    f"like {seen[key]}; import them separately with --name.",
                }
            )
        seen.setdefault(key, parsed.file)
    return parsed_list, errors


def import_questionnaires(
    parsed_list: list[ParsedQuestionnaire],
    *,
    file_errors: list[dict] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    actor=None,
) -> ImportReport:
    """Write the questionnaires in one transaction. Raises ImportFailed (nothing written) on any error,
    except that with `skip_invalid` records that could not be read are left out and listed."""
    report = ImportReport(dry_run=dry_run)
    for error in file_errors or []:
        report.add_error({k: v for k, v in error.items() if k != "reason"}, error["reason"])
    if report.errors:
        raise _unreadable(report)
    for parsed in parsed_list:
        report.read += parsed.read
        for reason, count in parsed.skipped.items():
            report.skipped += count
            report.skip_reasons[reason] += count
        for error in parsed.errors:
            report.add_error({k: v for k, v in error.items() if k != "reason"}, error["reason"])
            report.skip("invalid")
    if report.errors and not skip_invalid:
        raise ImportFailed(report)

    outcomes: list[dict] = []
    failed = False
    try:
        with transaction.atomic():
            for parsed in parsed_list:
                try:
                    outcomes.append(questionnaire_sync(parsed, report=report, actor=actor))
                except ValidationError as exc:
                    report.add_error({"record": parsed.file}, describe_validation_error(exc))
                    failed = True
                except ApplicationError as exc:
                    report.add_error({"record": parsed.file}, exc.message)
                    failed = True
            if failed or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    else:
        report.committed = True
    if failed:
        raise ImportFailed(report)
    report.extra["questionnaires"] = outcomes
    return report


def _unreadable(report: ImportReport) -> ImportFailed:
    """A file that cannot be read at all fails the import even with --skip-invalid (say so, not "skip it")."""
    failed = ImportFailed(report)
    first = report.errors[0]
    where = f"line {first['line']}" if "line" in first else first.get("record", "file")
    failed.args = (f"Import failed, nothing was written: {where}: {first['reason']}",)
    return failed


def _question_rows(questionnaire) -> list[dict]:
    return [
        {
            "code": q.code,
            "domain": q.domain,
            "text": q.text,
            "weight": q.weight,
            "condition": (
                {"question": q.condition_question.code, "responses": list(q.condition_responses)}
                if q.condition_question_id
                else None
            ),
        }
        for q in questionnaire.questions.select_related("condition_question").order_by("position", "id")
    ]


def _same(old: dict, new: dict) -> bool:
    return (
        old["domain"] == new.get("domain", "")
        and old["text"] == new["text"]
        and old["weight"] == new.get("weight", 1)
        and old["condition"] == (new.get("condition") or None)
    )


def questionnaire_sync(parsed: ParsedQuestionnaire, *, report: ImportReport, actor=None) -> dict:
    """Create, update in place, version, or leave alone the questionnaire `parsed` describes."""
    existing = Questionnaire.objects.filter(name=parsed.name).order_by("-version").first()
    if existing is not None and existing.source != parsed.source:
        raise ValidationError(
            {
                "name": f"A questionnaire named {parsed.name!r} already exists with source {existing.source!r}; "
                "import this one under another name (--name)."
            }
        )
    outcome = {"file": parsed.file, "name": parsed.name, **parsed.stats}
    if existing is None:
        created = questionnaire_create(
            actor=actor,
            questions=parsed.questions,
            name=parsed.name,
            source=parsed.source,
            description=parsed.description,
        )
        report.created += len(parsed.questions)
        return {**outcome, "version": created.version, "result": "created"}

    old_rows = _question_rows(existing)
    old = {row["code"]: row for row in old_rows}
    created_codes = [q["code"] for q in parsed.questions if q["code"] not in old]
    changed_codes = [q["code"] for q in parsed.questions if q["code"] in old and not _same(old[q["code"]], q)]
    removed = len(set(old) - {q["code"] for q in parsed.questions})
    same_order = [row["code"] for row in old_rows] == [q["code"] for q in parsed.questions]
    if (
        not (created_codes or changed_codes or removed)
        and same_order
        and existing.description == parsed.description
    ):
        report.unchanged += len(parsed.questions)
        return {**outcome, "version": existing.version, "result": "unchanged"}

    written = questionnaire_update(
        actor=actor, instance=existing, questions=parsed.questions, description=parsed.description
    )
    report.created += len(created_codes)
    report.updated += len(changed_codes)
    report.unchanged += len(parsed.questions) - len(created_codes) - len(changed_codes)
    result = "new_version" if written.pk != existing.pk else "updated"
    return {**outcome, "version": written.version, "result": result, "removed": removed}

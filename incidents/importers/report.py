"""The import report and the all-or-nothing runner every importer shares (DESIGN.md section 6).

An importer yields `SourceRecord`s (payload + where it sits in the file) and writes one record at a
time (through the services, or into a `bulk.BulkCreate` flushed in `finish`). The runner wraps the
whole import in one transaction: a malformed record (`RecordError`, or a `ValidationError` from a
service) fails the import and nothing is written, unless `skip_invalid` is set, in which case that
record alone is rolled back (savepoint) and listed. Either way every invalid record is listed, so one
run shows all there is to fix; the counts of a failed run say what would have been written.
`dry_run` runs every write and then rolls the transaction back, so its counts are the real ones.
A file that cannot be read at all (or further: a broken JSON array, a CSV without the expected
columns) always fails the import, `skip_invalid` or not.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from vendorrisk.core.errors import ApplicationError

MAX_LISTED_ERRORS = 1000


class RecordError(Exception):
    """A record (or the file) cannot be imported. `line`/`record` say where, when the raiser knows."""

    def __init__(self, reason: str, *, line: int | None = None, record: str | int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.record = record


@dataclass(frozen=True)
class SourceRecord:
    """One record read from a file: `line` (physical line where it starts) or `record` (index/file name)."""

    payload: Any
    line: int | None = None
    record: str | int | None = None

    def location(self) -> dict:
        return {"line": self.line} if self.line is not None else {"record": self.record}


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    skip_reasons: Counter = field(default_factory=Counter)
    extra: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    committed: bool = False

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons[reason] += 1

    def add_error(self, location: dict, reason: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append({**location, "reason": reason})

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": list(self.errors),
            "skip_reasons": dict(self.skip_reasons.most_common()),
            **self.extra,
            "dry_run": self.dry_run,
            "committed": self.committed,
        }

    def summary(self) -> str:
        parts = [f"{self.read} read", f"{self.created} created", f"{self.updated} updated"]
        parts += [f"{self.unchanged} unchanged", f"{self.skipped} skipped", f"{len(self.errors)} invalid"]
        parts += [f"{value} {key}" for key, value in self.extra.items() if isinstance(value, int)]
        return ", ".join(parts)


class ImportFailed(Exception):
    """The import was rolled back because of invalid records; `report` lists where they are."""

    def __init__(self, report: ImportReport):
        self.report = report
        first = report.errors[0] if report.errors else {"reason": "unknown error"}
        where = f"line {first['line']}" if "line" in first else f"record {first.get('record', '?')}"
        more = len(report.errors) - 1
        tail = f" (and {more} more invalid record{'s' if more != 1 else ''})" if more > 0 else ""
        super().__init__(
            f"Import failed, nothing was written: {where}: {first['reason']}{tail}. "
            "Fix the file, or re-run with --skip-invalid to import the valid records only."
        )


class Importer(ABC):
    """What an importer implements. The runner calls `prepare`, then `apply` per record, then `finish`."""

    # Set by `run_import_in_batches` for its dry run: rows collected for a bulk insert are counted and
    # dropped, not inserted and rolled back (that one insert would hold the write lock the longest).
    preview_only: bool = False

    def prepare(self, report: ImportReport) -> None:  # noqa: B027 - an optional hook
        """Load the lookups the import needs (inside the transaction)."""

    @abstractmethod
    def records(self) -> Iterator[SourceRecord]:
        """The source's records, each with its location (line or record)."""

    @abstractmethod
    def apply(self, record: SourceRecord, report: ImportReport) -> None:
        """Write one record (inside its savepoint) and count it in the report."""

    def record_done(self, ok: bool) -> None:  # noqa: B027 - an optional hook
        """Keep in-memory lookups in step with the savepoint of the record just written."""

    def end_batch(self, report: ImportReport) -> None:  # noqa: B027 - an optional hook
        """Write what the records of a batch collected (bulk inserts), inside the batch's transaction."""

    def finish(self, report: ImportReport) -> None:  # noqa: B027 - an optional hook
        """Work that needs every record seen (e.g. counting what is gone)."""


class _Rollback(Exception):
    pass


def describe_validation_error(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{'record' if name == '__all__' else name}: {' '.join(str(m) for e in errs for m in e.messages)}"
            for name, errs in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def run_import(importer: Importer, *, dry_run: bool = False, skip_invalid: bool = False) -> ImportReport:
    """Run `importer` in one transaction. Raises ImportFailed (after rolling back) on invalid records."""
    report = ImportReport(dry_run=dry_run)
    unreadable = False
    try:
        with transaction.atomic():
            try:
                importer.prepare(report)
                for record in importer.records():
                    report.read += 1
                    _apply_one(importer, record, report)
            except RecordError as exc:  # the file itself cannot be read (further): always fatal
                report.add_error(_location(exc, None), exc.reason)
                unreadable = True
            if report.errors and (unreadable or not skip_invalid):
                raise _Rollback
            try:
                importer.finish(report)
            except (ValidationError, IntegrityError, DataError) as exc:
                report.add_error({"record": "file"}, f"could not be written: {exc}")
                unreadable = True
                raise _Rollback
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    else:
        report.committed = True
    if report.errors and (unreadable or not skip_invalid):
        raise ImportFailed(report)
    return report


BATCH_RECORDS = 200


def run_import_in_batches(
    importer: Importer,
    *,
    dry_run: bool,
    batch_size: int = BATCH_RECORDS,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """The same import in short transactions, for imports that run beside other writers (admin imports).

    Each batch of `batch_size` records is one transaction, so no writer (nor a sign-in, on SQLite)
    waits longer than one batch takes (`pause_between_batches`). `progress(report)` is called after
    each batch, outside it.

    Dry run: every batch is rolled back and the rows importers collect for a bulk insert are counted, not
    inserted (`Importer.preview_only`); all invalid records are listed, as by `run_import`.
    Write: a batch is validated and written in its transaction (`end_batch` inserts its bulk rows); the
    first batch with an invalid record or a failed write is rolled back and the import stops. Batches
    before it stay written: the report's counts are what was written, `written_records` says up to
    which record, and `committed` is false. The importers are keyed (external ids, names), so running the
    fixed file again finds the written rows unchanged and writes the rest. (`run_import` stays
    all-or-nothing for the commands.)
    """
    report = ImportReport(dry_run=dry_run)
    report.extra["written_records"] = 0
    written = _snapshot(report)
    pause = pause_between_batches()
    importer.preview_only = dry_run
    importer.prepare(report)
    records = iter(importer.records())
    done = False
    while not done:
        try:
            with transaction.atomic():
                done = _apply_batch(importer, records, report, batch_size)
                if report.errors and not dry_run:
                    raise _Rollback
                if not dry_run:
                    try:
                        importer.end_batch(report)
                    except (ValidationError, IntegrityError, DataError) as exc:
                        where = f"records {written['read'] + 1}-{report.read}"
                        report.add_error({"record": where}, f"could not be written: {exc}")
                        raise _Rollback
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        else:
            report.extra["written_records"] = report.read
            written = _snapshot(report)
        if report.errors and not dry_run:
            done = True
        if progress is not None:
            progress(report)
        if pause and not done:
            time.sleep(pause)
    if not report.errors:
        try:
            with transaction.atomic():
                importer.finish(report)
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        except (ValidationError, IntegrityError, DataError) as exc:
            report.add_error({"record": "file"}, f"could not be written: {exc}")
        else:
            report.committed = True
    if report.errors and not dry_run:
        # What stands is what the committed batches wrote.
        for name in ("created", "updated", "unchanged", "skipped"):
            setattr(report, name, written[name])
        report.skip_reasons = written["skip_reasons"]
    return report


def pause_between_batches() -> float:
    """Seconds to leave the database alone between two batches.

    SQLite has one write lock, and a writer waiting for it retries after sleeps of up to 100 ms (its
    busy handler): if the import took the lock again the moment it committed, a waiting sign-in would
    rarely find it free and would wait for the whole import. A pause a little longer than that sleep
    lets every waiting writer in. PostgreSQL locks rows, not the database: no pause.
    """
    return 0.12 if connection.vendor == "sqlite" else 0.0


def _apply_batch(
    importer: Importer, records: Iterator[SourceRecord], report: ImportReport, size: int
) -> bool:
    """Apply up to `size` records; True when the file is done (or cannot be read further)."""
    for _ in range(size):
        try:
            record = next(records, None)
        except RecordError as exc:  # the file cannot be read (further): always fatal
            report.add_error(_location(exc, None), exc.reason)
            return True
        if record is None:
            return True
        report.read += 1
        _apply_one(importer, record, report)
    return False


def _snapshot(report: ImportReport) -> dict:
    return {
        "read": report.read,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
        "skip_reasons": Counter(report.skip_reasons),
    }


def _apply_one(importer: Importer, record: SourceRecord, report: ImportReport) -> None:
    # Every record gets its own savepoint: a failed one leaves no trace and the others carry on, so one
    # run lists every invalid record (without --skip-invalid the whole transaction is dropped anyway).
    saved = (report.created, report.updated, report.unchanged, report.skipped)
    saved_reasons, saved_extra = Counter(report.skip_reasons), dict(report.extra)
    location = record.location()
    try:
        with transaction.atomic():
            importer.apply(record, report)
    except RecordError as exc:
        reason, location = exc.reason, _location(exc, record)
    except ValidationError as exc:
        reason = describe_validation_error(exc)
    except ApplicationError as exc:
        reason = exc.message
    except (IntegrityError, DataError) as exc:
        reason = f"could not be written: {exc}"
    else:
        importer.record_done(True)
        return
    importer.record_done(False)
    report.created, report.updated, report.unchanged, report.skipped = saved
    report.skip_reasons, report.extra = saved_reasons, saved_extra
    report.add_error(location, reason)


def _location(exc: RecordError | None, record: SourceRecord | None) -> dict:
    if exc is not None and exc.line is not None:
        return {"line": exc.line}
    if exc is not None and exc.record is not None:
        return {"record": exc.record}
    if record is not None:
        return record.location()
    return {"record": "file"}

"""`run_import_in_batches`: the admin imports' runner, in short transactions (issue 9, finding 13).

The commands keep `run_import` (all or nothing, DESIGN §6); the admin's background imports use this
runner so that no other writer, sign-ins included, waits for more than one batch.
"""

import json
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from incidents.importers.report import run_import_in_batches
from incidents.importers.veris import VerisImporter
from incidents.importers.veris_fields import partner_name
from incidents.models import Incident
from vendors.models import Lab, Vendor

JSONL = Path(__file__).resolve().parent.parent / "data" / "vcdb" / "partner_or_vendor_incidents.jsonl"
# Lines 1, 4 and 8 name a partner (3 incidents); 2, 3, 5, 6 and 7 are skipped.


def first_lines(n: int) -> list[str]:
    with JSONL.open(encoding="utf-8") as fh:
        return [next(fh) for _ in range(n)]


def write(tmp_path, rows: list[str], name="vcdb.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_dry_run_counts_like_the_command_and_writes_nothing(db, tmp_path):
    seen = []
    report = run_import_in_batches(
        VerisImporter(write(tmp_path, first_lines(8))),
        dry_run=True,
        batch_size=3,
        progress=lambda r: seen.append(r.read),
    )

    assert (report.read, report.created, report.skipped, report.errors) == (8, 3, 5, [])
    assert report.extra["vendors_created"] == 3
    assert seen == [3, 6, 8]
    assert (Incident.objects.count(), Vendor.objects.count()) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_each_batch_commits_on_its_own_and_others_can_write_in_between(tmp_path):
    """Between batches no transaction is open and another connection writes at once."""
    committed, other_writes = [], []

    def progress(report):
        assert not connection.in_atomic_block
        committed.append(Incident.objects.count())

        def other_writer():
            started = time.monotonic()
            try:
                n = len(committed)
                Lab.objects.create(name=f"Between batches {n}", slug=f"between-{n}")
                other_writes.append(time.monotonic() - started)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(10)

    report = run_import_in_batches(
        VerisImporter(write(tmp_path, first_lines(8))), dry_run=False, batch_size=4, progress=progress
    )

    assert report.committed and report.created == 3
    # Lines 1 and 4 are in the first batch, line 8 in the second: each was written when its batch ended.
    assert committed[:2] == [2, 3]
    assert len(other_writes) == len(committed) and max(other_writes) < 2
    assert Lab.objects.filter(name__startswith="Between batches").count() == len(committed)


def test_a_failed_batch_keeps_the_written_ones_and_the_rerun_finishes_the_job(db, tmp_path):
    rows = first_lines(8)
    good = list(rows)
    rows[6] = rows[6][: len(rows[6]) // 2] + "\n"  # line 7 broken: the second batch (lines 5-8) fails

    report = run_import_in_batches(VerisImporter(write(tmp_path, rows)), dry_run=False, batch_size=4)

    assert report.committed is False
    assert [e["line"] for e in report.errors] == [7]
    assert report.extra["written_records"] == 4
    assert report.created == 2  # lines 1 and 4: what stands, not what the failed batch had counted
    assert Incident.objects.count() == 2

    again = run_import_in_batches(VerisImporter(write(tmp_path, good)), dry_run=False, batch_size=4)

    assert again.committed is True
    assert (again.unchanged, again.created, again.errors) == (2, 1, [])
    assert Incident.objects.count() == 3
    assert Vendor.objects.count() == 3


def test_an_unreadable_file_fails_without_writing(db, tmp_path):
    path = tmp_path / "missing.json"

    report = run_import_in_batches(VerisImporter(path), dry_run=False)

    assert report.committed is False and report.errors
    assert Incident.objects.count() == 0


def test_a_3000_record_veris_preview_takes_seconds_not_a_minute(db, tmp_path):
    """3,000 records that each create an incident: 56 s before (every new incident went through the
    services one by one: constraint queries, audit, timeline, notification upkeep), 1.8 s after."""
    named = [
        record
        for line in JSONL.read_text(encoding="utf-8").splitlines()
        if line.strip()
        and isinstance(partner := (record := json.loads(line)).get("actor", {}).get("partner"), dict)
        and isinstance(partner.get("notes"), str)
        and partner_name(partner["notes"])
    ]
    records = []
    copy = 0
    while len(records) < 3000:
        for record in named[: 3000 - len(records)]:
            records.append(json.dumps({**record, "incident_id": f"{record['incident_id']}-{copy}"}) + "\n")
        copy += 1
    path = write(tmp_path, records, "big.jsonl")

    started = time.monotonic()
    report = run_import_in_batches(VerisImporter(path), dry_run=True)
    elapsed = time.monotonic() - started

    assert report.read == 3000 and report.errors == []
    assert report.created == 3000
    assert elapsed < 15, f"{elapsed:.1f} s"
    assert Incident.objects.count() == 0

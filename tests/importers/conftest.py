"""Helpers for the importer tests: run a command and read its JSON report; count what is stored."""

import json
from io import StringIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.models import Incident, IncidentUpdate
from vendors.models import Engagement, Lab, ScoreMark, Vendor

DATA = Path(__file__).resolve().parent.parent / "data"


class Result:
    def __init__(self, report: dict, stdout: str, error: CommandError | None):
        self.report, self.stdout, self.error = report, stdout, error


@pytest.fixture
def run_command(db):
    """run_command("import_veris", path, "--dry-run", fails=False) → Result (report = the last JSON line)."""

    def run(name: str, path, *args: str, fails: bool = False) -> Result:
        out = StringIO()
        error = None
        if fails:
            with pytest.raises(CommandError) as caught:
                call_command(name, str(path), "--report", "json", *args, stdout=out)
            error = caught.value
        else:
            call_command(name, str(path), "--report", "json", *args, stdout=out)
        last = out.getvalue().strip().splitlines()[-1]
        return Result(json.loads(last), out.getvalue(), error)

    return run


def stored_counts() -> dict:
    """Rows of every table an import may write, to show that a failed or dry run wrote nothing."""
    return {
        "incidents": Incident.objects.count(),
        "timeline": IncidentUpdate.objects.count(),
        "vendors": Vendor.objects.count(),
        "labs": Lab.objects.count(),
        "engagements": Engagement.objects.count(),
        "marks": ScoreMark.objects.count(),
        "audit": LogEntry.objects.count(),
    }

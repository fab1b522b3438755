"""The shared shape of the import management commands: PATH, --dry-run, --report json, --skip-invalid."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .report import Importer, ImportFailed, ImportReport, run_import


class ImportCommand(BaseCommand):
    """Subclasses set `help` and implement `importer(path, options)`."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file (or folder) to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Run the whole import, report, then roll everything back."
        )
        parser.add_argument(
            "--report",
            choices=["text", "json"],
            default="text",
            help="json: the last line printed is one JSON object (read, created, updated, skipped, errors).",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid records and list the invalid ones, instead of failing the whole import.",
        )

    importer_class: type[Importer]

    def importer(self, path: Path, options: dict) -> Importer:
        """The importer for this file; commands set `importer_class` or override this."""
        return self.importer_class(path)

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            report = run_import(
                self.importer(path, options), dry_run=options["dry_run"], skip_invalid=options["skip_invalid"]
            )
        except ImportFailed as exc:
            self._print(exc.report, options)
            raise CommandError(str(exc))
        self._print(report, options)

    def _print(self, report: ImportReport, options: dict) -> None:
        if options["report"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        verdict = (
            "Dry run, nothing written" if report.dry_run else ("Imported" if report.committed else "Failed")
        )
        self.stdout.write(f"{verdict}: {report.summary()}.")
        for reason, count in report.skip_reasons.most_common():
            self.stdout.write(f"  skipped {count}: {reason}")
        for error in report.errors:
            where = f"line {error['line']}" if "line" in error else f"record {error['record']}"
            self.stdout.write(f"  invalid {where}: {error['reason']}")

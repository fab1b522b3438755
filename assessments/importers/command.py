"""The shape every questionnaire import command shares (DESIGN.md section 6)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.importers.report import ImportFailed, ImportReport

from .writer import Parser, import_questionnaires, read_questionnaire_files


class QuestionnaireImportCommand(BaseCommand):
    """`PATH`, `--name`, `--dry-run`, `--skip-invalid`, `--report json` (the last line printed is the report)."""

    parse: Parser
    many_paths = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+" if self.many_paths else 1,
            metavar="PATH",
            help="file to import"
            + (" (several files, or a folder of .json files)" if self.many_paths else ""),
        )
        self.add_common_arguments(parser, with_name=True)

    @staticmethod
    def add_common_arguments(parser: CommandParser, *, with_name: bool) -> None:
        if with_name:
            parser.add_argument("--name", help="questionnaire name (instead of the one the file gives)")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="leave out items that cannot be read instead of failing",
        )
        parser.add_argument(
            "--report",
            choices=["text", "json"],
            default="text",
            help="json: the last line printed is one JSON object (read, created, updated, skipped, errors).",
        )

    def handle(self, *args, **options) -> None:
        parsed_list, file_errors = read_questionnaire_files(
            options["paths"], type(self).parse, name=options.get("name")
        )
        self.run(parsed_list, file_errors, options)

    def run(self, parsed_list, file_errors, options) -> ImportReport:
        try:
            report = import_questionnaires(
                parsed_list,
                file_errors=file_errors,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
        except ImportFailed as exc:
            self._print(exc.report, options)
            raise CommandError(str(exc))
        self._print(report, options)
        return report

    def _print(self, report: ImportReport, options: dict) -> None:
        """Like incidents.importers.command: with --report json, the JSON object is all that is printed."""
        if options.get("report") == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        for outcome in report.extra.get("questionnaires", []):
            self.stdout.write(self._describe(outcome))
        verdict = (
            "Dry run, nothing written" if report.dry_run else ("Imported" if report.committed else "Failed")
        )
        self.stdout.write(f"{verdict}: {report.summary()}.")
        for reason, count in report.skip_reasons.most_common():
            self.stdout.write(f"  skipped {count}: {reason}")
        for error in report.errors:
            self.stdout.write(f"  invalid {self._where(error)}: {error['reason']}")

    @staticmethod
    def _where(error: dict) -> str:
        return f"line {error['line']}" if "line" in error else f"record {error['record']}"

    @staticmethod
    def _describe(outcome: dict) -> str:
        verb = {
            "created": "created",
            "updated": "updated in place",
            "new_version": "written as a new version (the previous one is used by assessments)",
            "unchanged": "unchanged",
        }[outcome["result"]]
        line = f"{outcome['file']}: “{outcome['name']}” v{outcome['version']} {verb}"
        if outcome.get("with_cond"):
            line += (
                f"; {outcome['conditional']} conditional questions, {outcome['with_cond_mapped']} of the "
                f"{outcome['with_cond']} VSAQ conditions kept ({outcome['with_cond_exact']} exactly, the rest "
                "approximated with the full condition in the text)"
            )
        return line

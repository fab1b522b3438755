"""manage.py load_default_questionnaire [--dry-run] [--report json]

The default questionnaire also ships as a data migration; this command restores it (idempotent).
"""

from django.core.management.base import CommandParser

from assessments.importers.command import QuestionnaireImportCommand
from assessments.importers.oscal import DEFAULT_CATALOG, parse_catalog


class Command(QuestionnaireImportCommand):
    help = "Load the questionnaire that ships with the product (NIST SP 800-53r5 supply-chain controls)."
    parse = staticmethod(parse_catalog)

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_common_arguments(parser, with_name=False)

    def handle(self, *args, **options) -> None:
        options["paths"] = [DEFAULT_CATALOG]
        super().handle(*args, **options)

"""manage.py import_oscal PATH [--name NAME] [--dry-run] [--skip-invalid] [--report json]"""

from assessments.importers.command import QuestionnaireImportCommand
from assessments.importers.oscal import parse_catalog


class Command(QuestionnaireImportCommand):
    help = "Import an OSCAL catalog (JSON) as a questionnaire: one question per control and enhancement."
    parse = staticmethod(parse_catalog)

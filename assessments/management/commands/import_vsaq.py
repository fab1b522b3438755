"""manage.py import_vsaq PATH... [--name NAME] [--dry-run] [--skip-invalid] [--report json]"""

from assessments.importers.command import QuestionnaireImportCommand
from assessments.importers.vsaq import parse_vsaq


class Command(QuestionnaireImportCommand):
    help = "Import Google VSAQ questionnaire files (one questionnaire per file, conditional questions kept)."
    parse = staticmethod(parse_vsaq)
    many_paths = True

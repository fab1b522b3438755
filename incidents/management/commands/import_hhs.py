from incidents.importers.command import ImportCommand
from incidents.importers.hhs import HhsImporter


class Command(ImportCommand):
    importer_class = HhsImporter
    help = (
        "Import an HHS OCR breach portal CSV. The 2014 format naming business associates creates labs, "
        "vendors, ended engagements and closed incidents; a portal export updates its incidents in place "
        "and reports new / changed / gone."
    )

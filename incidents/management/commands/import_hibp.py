from incidents.importers.command import ImportCommand
from incidents.importers.hibp import HibpImporter


class Command(ImportCommand):
    importer_class = HibpImporter
    help = (
        "Import a Have I Been Pwned /breaches JSON file: each breach whose Domain is a vendor's website "
        "domain becomes one resolved incident at that vendor (keyed by the breach Name)."
    )

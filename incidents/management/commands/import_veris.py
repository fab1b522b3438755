from incidents.importers.command import ImportCommand
from incidents.importers.veris import VerisImporter


class Command(ImportCommand):
    importer_class = VerisImporter
    help = (
        "Import VERIS incidents (a JSON file, JSON Lines, or a folder of VERIS files) as incidents at the "
        "partner named in actor.partner.notes. Keyed by incident_id; re-running creates nothing new."
    )

import json

from django.core.management.base import BaseCommand, CommandError

from assessments import recompute


class Command(BaseCommand):
    help = "Recompute concentration-risk scores: drain pending marks, or rebuild everything with --all."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every vendor and lab from scratch.")
        parser.add_argument("--report", choices=["json"], help="Print one JSON object as the last line.")

    def handle(self, *args, **options):
        if options["all"]:
            result = recompute.rebuild_all()
            summary = {
                "vendors": result.vendors,
                "labs": result.labs,
                "history_rows": result.history_rows,
                "seconds": round(result.seconds, 3),
            }
            message = (
                f"Rebuilt {result.vendors} vendor scores and {result.labs} lab concentrations "
                f"in {result.seconds:.2f} s ({result.history_rows} history rows)."
            )
        else:
            results = recompute.drain_all()
            summary = {
                "drains": len(results),
                "marks": sum(r.marks for r in results),
                "vendors": sum(r.vendors for r in results),
                "labs": sum(r.labs for r in results),
            }
            message = f"Drained {summary['marks']} marks in {summary['drains']} batch(es)."
        if options["report"] == "json":
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(self.style.SUCCESS(message))
        if summary.get("vendors") is None:
            raise CommandError("Nothing was computed.")

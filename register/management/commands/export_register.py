"""`manage.py export_register LAB --reference-date YYYY-MM-DD [--draft] [--xlsx] [--out DIR]`: the register of
information of one lab (or its group) as the EBA report package, as an admin sees it."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from register import package, selectors
from register.selectors import default_reference_date
from vendors.models import Lab


class SystemUser:
    """Sees every lab, like an admin (the command runs on the server)."""

    is_authenticated = True
    all_labs = True
    role = "admin"
    pk = None


class Command(BaseCommand):
    help = "Export the DORA register of information of a lab (id or name) as a ZIP report package."

    def add_arguments(self, parser):
        parser.add_argument("lab")
        parser.add_argument("--reference-date", default="")
        parser.add_argument(
            "--draft", action="store_true", help="Write the package despite blocking findings."
        )
        parser.add_argument("--xlsx", action="store_true", help="Write the workbook too.")
        parser.add_argument("--out", default=".")

    def handle(self, *args, lab, reference_date, draft, xlsx, out, **options):
        match = Lab.objects.filter(pk=int(lab)) if lab.isdigit() else Lab.objects.filter(name__iexact=lab)
        found = match.first()
        if found is None:
            raise CommandError(f"No lab “{lab}”.")
        try:
            day = (
                date.fromisoformat(reference_date) if reference_date else default_reference_date(date.today())
            )
        except ValueError:
            raise CommandError(f"--reference-date: “{reference_date}” is not YYYY-MM-DD.") from None
        register, answer = selectors.lint_for(user=SystemUser(), lab=found, reference_date=day)
        for f in answer["findings"]:
            self.stderr.write(
                f"{f['severity']}: {f['template']} row {f['row']} {f['column']}: {f['message']}"
            )
        if not answer["ready"] and not draft:
            raise CommandError("Blocking findings: fix them or pass --draft.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        name, body = package.write_zip(register)
        (folder / name).write_bytes(body)
        self.stdout.write(str(folder / name))
        if xlsx:
            path = folder / f"register-{found.slug}-{day}.xlsx"
            path.write_bytes(package.write_xlsx(register))
            self.stdout.write(str(path))
        self.stdout.write(f"completeness {answer['completeness']} %")

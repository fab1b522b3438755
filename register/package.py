"""Write a built register as the EBA xBRL-CSV report package (a ZIP) and as an XLSX workbook for people."""

import csv
import io
import json
import zipfile
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import templates as t
from .build import Register

TAXONOMY_ENTRY = "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"
MODULE = "DORA010100_DORA"  # framework code + module version, then module, per the EBA file-naming convention


def entity_id(register: Register) -> str:
    return f"rs:{register.lab.lei}.{'CON' if register.consolidated else 'IND'}"


def package_name(register: Register, now: datetime | None = None) -> str:
    """`<LEI>.<IND|CON>_<country>_DORA010100_DORA_<reference date>_<creation timestamp>` (EBA naming)."""
    now = now or timezone.now()
    stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
    scope = "CON" if register.consolidated else "IND"
    lei = register.lab.lei or "NOLEI"
    return (
        f"{lei}.{scope}_{register.lab.country or 'XX'}_{MODULE}_{register.reference_date.isoformat()}_{stamp}"
    )


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def parameters(register: Register) -> list[list[str]]:
    return [
        ["name", "value"],
        ["entityID", entity_id(register)],
        ["refPeriod", register.reference_date.isoformat()],
        ["baseCurrency", f"iso4217:{register.currency}" if register.currency else ""],
        ["decimalsInteger", "0"],
        ["decimalsMonetary", "-3"],
    ]


def template_rows(register: Register, template: t.Template) -> list[list[str]]:
    return [template.header] + [
        [row.values.get(c, "") for c in template.header] for row in register.tables[template.id]
    ]


def write_zip(register: Register, name: str | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the report package."""
    name = name or package_name(register)
    indicators = register.filing_indicators()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{name}/META-INF/reportPackage.json",
            json.dumps({"documentInfo": {"documentType": "https://xbrl.org/report-package/2023"}}, indent=2),
        )
        archive.writestr(
            f"{name}/reports/report.json",
            json.dumps(
                {
                    "documentInfo": {
                        "documentType": "https://xbrl.org/2021/xbrl-csv",
                        "extends": [TAXONOMY_ENTRY],
                    }
                },
                indent=2,
            ),
        )
        archive.writestr(f"{name}/reports/parameters.csv", _csv(parameters(register)))
        archive.writestr(
            f"{name}/reports/FilingIndicators.csv",
            _csv(
                [["templateID", "reported"]]
                + [[tid, "true" if on else "false"] for tid, on in indicators.items()]
            ),
        )
        for template in t.TEMPLATES:
            archive.writestr(f"{name}/reports/{template.file}", _csv(template_rows(register, template)))
    return f"{name}.zip", buffer.getvalue()


def _cell(value):
    """A value a worksheet can hold: XML 1.0 forbids most control characters, which names and free text may
    carry (the CSV files keep them); each is shown as U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def write_xlsx(register: Register) -> bytes:
    """The same templates as sheets, with the column labels above the codes, for people to read."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for template in t.TEMPLATES:
        sheet = workbook.create_sheet(template.id)
        sheet.append([c.label for c in template.columns])
        for row in template_rows(register, template):
            sheet.append([_cell(value) for value in row])
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

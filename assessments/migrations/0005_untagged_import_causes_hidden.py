"""History causes of bulk engagement imports used to carry no lab ("12 engagements imported"), so every
user read them on the vendor's history (issue 9, finding 15). New causes are tagged with their lab; the
lab of the old ones is not known, so they are marked unattributed and shown to all-labs users only."""

import re

from django.db import migrations

UNATTRIBUTED_LAB = 0  # vendorrisk.core.scoping.UNATTRIBUTED_LAB, copied: migrations do not import app code
LAB_OWNED = re.compile(r"^\d+ engagements (imported|created by )")


def forwards(apps, schema_editor):
    History = apps.get_model("assessments", "VendorScoreHistory")
    changed = []
    for row in History.objects.filter(causes__icontains="engagements").iterator():
        causes = [
            {**c, "lab": UNATTRIBUTED_LAB}
            if c.get("lab") is None and LAB_OWNED.match(str(c.get("cause", "")))
            else c
            for c in row.causes
        ]
        if causes != row.causes:
            row.causes = causes
            changed.append(row)
    History.objects.bulk_update(changed, ["causes"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_evidence")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

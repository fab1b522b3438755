"""Ship the default questionnaire (NIST SP 800-53r5 supply-chain controls, assessments/data/).

Uses the pure OSCAL parser and the historical models, so it runs the same on a fresh database at any
later schema; `manage.py load_default_questionnaire` restores it the same way if it is deleted.
"""

from django.db import migrations


def load_default_questionnaire(apps, schema_editor):
    from assessments.importers.historical import questionnaire_insert_historical
    from assessments.importers.oscal import load_default_catalog

    questionnaire_insert_historical(
        load_default_catalog(),
        Questionnaire=apps.get_model("assessments", "Questionnaire"),
        Question=apps.get_model("assessments", "Question"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(load_default_questionnaire, migrations.RunPython.noop, elidable=False),
    ]

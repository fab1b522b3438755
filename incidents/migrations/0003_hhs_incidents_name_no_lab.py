"""Incidents of the HHS 2014 import named the covered entity (a lab) in their title, description and
external id, which every user reads (issue 9, finding 6). Rewrite them, and their audit entries, in the
importer's vendor-only words; the narrative, which names the entity too, is dropped from the incident."""

import hashlib

from django.db import migrations

AFFECTING = " affecting "
FACTS = "Covered entity: "
BA = " Business associate: "


def _new_external_id(external_id: str) -> str:
    parts = external_id.split("|")
    if len(parts) != 5 or parts[0] != "ba":
        return external_id
    token = parts[3]
    if len(token) == 16 and all(c in "0123456789abcdef" for c in token):
        return external_id
    parts[3] = hashlib.sha256(token[:80].encode()).hexdigest()[:16]
    return "|".join(parts)


def _new_text(incident) -> tuple[str, str]:
    day = incident.discovered_at.strftime("%Y-%m-%d")
    head = incident.title.rsplit(AFFECTING, 1)[0] if AFFECTING in incident.title else incident.title
    title = f"{head} reported {day} (HHS OCR)"[:200]
    text = incident.description
    start = text.find(FACTS)
    facts = ""
    if start >= 0:
        ba = text.find(BA, start)
        facts = text[ba + 1 :] if ba >= 0 else ""
    closing = f"Reported to HHS OCR by a covered entity; breach period ending {day}."
    return title, " ".join(part for part in (facts, closing) if part)


def forwards(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="incidents", model="incident").first()
    for incident in Incident.objects.filter(source="hhs", external_id__startswith="ba|").iterator():
        if AFFECTING not in incident.title and FACTS not in incident.description:
            continue
        title, description = _new_text(incident)
        external_id = _new_external_id(incident.external_id)
        replace = {incident.title: title, incident.description: description, incident.external_id: external_id}
        old = set(replace)
        incident.title, incident.description, incident.external_id = title, description, external_id
        incident.save(update_fields=["title", "description", "external_id"])
        if content_type is None:
            continue
        for entry in LogEntry.objects.filter(content_type=content_type, object_id=incident.pk):
            changes = entry.changes if isinstance(entry.changes, dict) else None
            if changes:
                for field, values in changes.items():
                    if isinstance(values, list):
                        changes[field] = [replace.get(v, v) if v in old else v for v in values]
                entry.changes = changes
            entry.object_repr = replace.get(entry.object_repr, entry.object_repr)
            entry.save(update_fields=["changes", "object_repr"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_initial"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

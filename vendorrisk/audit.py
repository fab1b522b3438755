"""The one audit mechanism: django-auditlog records who changed what on every registered model."""

from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog

from vendors.scoping import OTHER_LAB, lab_in_scope, redact

# Marks and score rows are machine bookkeeping, not user changes.
NOT_AUDITED = {
    "ScoreMark",
    "VendorScore",
    "LabConcentration",
    "SharedDependency",
    "VendorScoreHistory",
    "LabConcentrationHistory",
    "ImportJob",
}


def register_app_models(app_config, exclude_fields: dict | None = None) -> None:
    for model in app_config.get_models():
        if model.__name__ in NOT_AUDITED or auditlog.contains(model):
            continue
        auditlog.register(model, exclude_fields=(exclude_fields or {}).get(model.__name__, []))


@contextmanager
def acting_as(actor):
    """Attribute every audit entry written inside the block to `actor` (a user or None for the system)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor):
        yield


def lab_owned_content_types() -> list:
    """Content types of the audited models whose rows belong to a lab (`scope_lab_field` set)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    models = [m for m in apps.get_models() if getattr(m, "scope_lab_field", None) is not None]
    return list(ContentType.objects.get_for_models(*models).values())


def entry_labs(entry) -> tuple[object, object]:
    """The lab an audited lab-owned row belonged to before and after the change (equal unless it moved)."""
    model = entry.content_type.model_class()
    lab = (entry.additional_data or {}).get("lab")
    field = getattr(model, "scope_lab_field", None)
    change = (entry.changes_dict or {}).get(field) if field else None
    if isinstance(change, list | tuple) and len(change) == 2:
        return change[0], change[1]
    return lab, lab


def current_labs(entries) -> dict[tuple[int, int], object]:
    """(content type id, object id) → the lab each lab-owned row belongs to now (one query per type)."""
    wanted: dict[int, set[int]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if getattr(model, "scope_lab_field", None) is not None and entry.object_id is not None:
            wanted.setdefault(entry.content_type_id, set()).add(entry.object_id)
    found = {}
    for ct_id, ids in wanted.items():
        model = next(e.content_type for e in entries if e.content_type_id == ct_id).model_class()
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", model.scope_lab_field)
        found.update({(ct_id, pk): lab for pk, lab in rows})
    return found


def entry_as_seen_by(user, entry, *, labs_now: dict | None = None) -> tuple[dict, str]:
    """An entry's changes and object name for `user`: the values of a lab-owned row from a time it
    belonged to a lab outside the user's labs are redacted (a moved engagement's old lab, its old title),
    and so is the name of a row that now belongs to such a lab (`labs_now`, from `current_labs`).
    Entries of rows outside the user's labs are not listed at all (`vendorrisk.api_views.audit_list`)."""
    changes = entry.changes_dict or {}
    model = entry.content_type.model_class()
    if getattr(model, "scope_lab_field", None) is None:
        return changes, entry.object_repr
    before, after = entry_labs(entry)

    def cut(value, lab):
        return value if value is None else redact(user, value, lab_id=lab)

    shown = {}
    for name, values in changes.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            shown[name] = [cut(values[0], before), cut(values[1], after)]
        else:  # m2m and other shapes: whole or nothing
            visible = lab_in_scope(user, before) and lab_in_scope(user, after)
            shown[name] = values if visible else OTHER_LAB
    name_lab = before if entry.action == 2 else after  # a delete names the row as it was
    name = redact(user, entry.object_repr, lab_id=name_lab)
    lab_now = (labs_now or {}).get((entry.content_type_id, entry.object_id))
    return shown, redact(user, name, lab_id=lab_now)

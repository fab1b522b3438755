"""The one audit mechanism: django-auditlog records who changed what on every registered model."""

from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, When

from vendorrisk.core.scoping import OTHER_LAB, lab_in_scope, redact

# Marks and score rows are machine bookkeeping, not user changes.
NOT_AUDITED = {
    "ScoreMark",
    "GraphVersion",
    "VendorScore",
    "VendorLabScore",
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


def lab_owned_models() -> list:
    """The audited models whose rows belong to a lab (`scope_lab_field` set)."""
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if getattr(m, "scope_lab_field", None) is not None and auditlog.contains(m)
    ]


def is_entry_of(model) -> Q:
    """Entries of `model`, matched through the joined content type (no content-type lookup query)."""
    return Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name)


def is_entry_of_any(models) -> Q:
    condition = Q(pk__in=[])
    for model in models:
        condition |= is_entry_of(model)
    return condition


def entry_labs(entry) -> tuple[object, object]:
    """The lab an audited lab-owned row belonged to before and after the change (equal unless it moved)."""
    model = entry.content_type.model_class()
    lab = (entry.additional_data or {}).get("lab")
    field = getattr(model, "scope_lab_field", None)
    change = (entry.changes_dict or {}).get(field) if field else None
    if isinstance(change, list | tuple) and len(change) == 2:
        return change[0], change[1]
    return lab, lab


def with_current_lab(queryset, models: list):
    """Annotate each entry of a lab-owned row with the lab that row belongs to now (`lab_now`), in the
    same query."""
    whens = []
    for model in models:
        field = model.scope_lab_field
        if field == "id":
            whens.append(When(is_entry_of(model), then=F("object_id")))
        else:
            rows = model._default_manager.filter(pk=OuterRef("object_id")).order_by().values(field)[:1]
            whens.append(When(is_entry_of(model), then=Subquery(rows)))
    return queryset.annotate(lab_now=Case(*whens, default=None, output_field=IntegerField()))


def entry_as_seen_by(user, entry) -> tuple[dict, str]:
    """An entry's changes and object name for `user`: the values of a lab-owned row from a time it
    belonged to a lab outside the user's labs are redacted (a moved engagement's old lab, its old title),
    and so is the name of a row that now belongs to such a lab (`lab_now`, from `with_current_lab`).
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
    return shown, redact(user, name, lab_id=getattr(entry, "lab_now", None))

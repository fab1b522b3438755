"""The one audit mechanism: django-auditlog records who changed what on every registered model."""

from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog

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

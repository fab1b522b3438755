"""Writes for labs, vendors, engagements and dependencies: validate, save, audit, mark scores dirty."""

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.core.accounts import check_assignee
from vendorrisk.core.scoping import scope
from vendorrisk.core.services import blocker, model_create, model_delete, model_update

from . import dirty, graph_queries
from .choices import EngagementStatus
from .models import Engagement, Lab, Vendor, VendorDependency

SCORE_FIELDS = {
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "data_disposed_on",
    "lab",
    "vendor",
}
# What decides whether (and how) an engagement was exposed to an incident: the notification upkeep.
EXPOSURE_FIELDS = SCORE_FIELDS | {"start_date", "data_categories"}


@transaction.atomic
def lab_create(*, actor, **data) -> Lab:
    lab = model_create(Lab, actor=actor, data=data)
    dirty.mark(labs=[lab.id], cause=f"lab {lab.id} created", cause_lab=lab.id)
    return lab


@transaction.atomic
def lab_update(*, actor, instance: Lab, **data) -> Lab:
    lab, changed = model_update(instance, actor=actor, data=data)
    if "regimes" in changed:
        lab_regimes_changed(lab)
    return lab


def lab_regimes_changed(lab: Lab) -> None:
    """Hook for notification upkeep; the incidents app replaces it (imports run one way)."""
    for hook in LAB_CHANGE_HOOKS:
        hook(lab)


LAB_CHANGE_HOOKS: list = []


@transaction.atomic
def lab_delete(*, actor, instance: Lab) -> None:
    # The incidents app sits above this one: its rows are reached through the reverse relation it declares.
    incidents_of_lab = instance.incident_responses.all()
    model_delete(
        instance,
        actor=actor,
        blockers={
            "engagements": blocker(instance.engagements.all(), actor=actor),
            "incident responses": blocker(incidents_of_lab, actor=actor),
        },
    )


@transaction.atomic
def vendor_create(*, actor, **data) -> Vendor:
    vendor = model_create(Vendor, actor=actor, data=data)
    dirty.mark_vendor(vendor_id=vendor.id, cause=f"vendor {vendor.id} created")
    if vendor.parent_id:
        dirty.mark_parent_change(
            vendor_id=vendor.id,
            old_parent_id=None,
            new_parent_id=vendor.parent_id,
            cause=f"vendor {vendor.id} created",
        )
    return vendor


@transaction.atomic
def vendor_update(*, actor, instance: Vendor, **data) -> Vendor:
    old_parent = instance.parent_id
    vendor, changed = model_update(instance, actor=actor, data=data)
    if "parent" in changed:
        dirty.mark_parent_change(
            vendor_id=vendor.id,
            old_parent_id=old_parent,
            new_parent_id=vendor.parent_id,
            cause=f"vendor {vendor.id} group changed",
        )
    return vendor


@transaction.atomic
def vendor_delete(*, actor, instance: Vendor) -> None:
    pk = instance.pk
    model_delete(
        instance,
        actor=actor,
        blockers={
            "engagements": blocker(instance.engagements.all(), actor=actor),
            "dependencies": blocker(
                VendorDependency.objects.filter(vendor=instance)
                | VendorDependency.objects.filter(depends_on=instance),
                actor=actor,
            ),
            # incidents and assessments sit above this app: reached through the reverse relations they declare.
            "incidents": blocker(instance.incidents.all(), actor=actor),
            "assessments": blocker(instance.assessments.all(), actor=actor),
            "vendors in its group": blocker(instance.children.all(), actor=actor),
        },
    )
    # A deleted vendor had no engagements or edges, so nothing else reaches it; its score row goes.
    dirty.mark_vendor(vendor_id=pk, cause=f"vendor {pk} deleted")


def _check_owner(data: dict, instance: Engagement | None = None) -> None:
    """The owner is an active user who may see the engagement's lab (see `accounts.check_assignee`)."""
    owner = data["owner"] if "owner" in data else getattr(instance, "owner", None)
    lab = data.get("lab") or (instance.lab if instance is not None else None)
    lab_id = getattr(lab, "pk", None) or data.get("lab_id")
    check_assignee(
        field="owner",
        user=owner,
        previous_id=getattr(instance, "owner_id", None),
        lab_id=lab_id,
        lab_changed=instance is None or lab_id != instance.lab_id,
    )


@transaction.atomic
def engagement_create(*, actor, **data) -> Engagement:
    _check_owner(data)
    engagement = model_create(Engagement, actor=actor, data=data)
    dirty.mark_engagement(
        lab_id=engagement.lab_id, vendor_id=engagement.vendor_id, cause=f"engagement {engagement.id} created"
    )
    engagement_exposure_changed(engagement)
    return engagement


@transaction.atomic
def engagement_update(*, actor, instance: Engagement, **data) -> Engagement:
    _check_owner(data, instance)
    old_lab, old_vendor = instance.lab_id, instance.vendor_id
    engagement, changed = model_update(instance, actor=actor, data=data)
    if set(changed) & SCORE_FIELDS:
        cause = f"engagement {engagement.id} updated"
        dirty.mark_engagement(lab_id=old_lab, vendor_id=old_vendor, cause=cause)
        if (old_lab, old_vendor) != (engagement.lab_id, engagement.vendor_id):
            dirty.mark_engagement(lab_id=engagement.lab_id, vendor_id=engagement.vendor_id, cause=cause)
    if set(changed) & EXPOSURE_FIELDS:
        engagement_exposure_changed(engagement)
    return engagement


def engagement_exposure_changed(engagement: Engagement) -> None:
    """Hook for notification upkeep; the incidents app registers it (imports run one way)."""
    for hook in ENGAGEMENT_CHANGE_HOOKS:
        hook(engagement)


ENGAGEMENT_CHANGE_HOOKS: list = []


@transaction.atomic
def engagement_delete(*, actor, instance: Engagement) -> None:
    lab_id, vendor_id, pk = instance.lab_id, instance.vendor_id, instance.id
    model_delete(instance, actor=actor)
    dirty.mark_engagement(lab_id=lab_id, vendor_id=vendor_id, cause=f"engagement {pk} deleted")
    engagement_exposure_changed(instance)  # the deleted row still carries its lab and vendor ids


DEPENDENCY_CHANGE_HOOKS: list = []


def _dependency_changed(vendor_id: int, depends_on_id: int) -> None:
    for hook in DEPENDENCY_CHANGE_HOOKS:
        hook(vendor_id, depends_on_id)


@transaction.atomic
def dependency_create(*, actor, **data) -> VendorDependency:
    dep = model_create(VendorDependency, actor=actor, data=data)
    dirty.mark_dependency(
        vendor_id=dep.vendor_id, depends_on_id=dep.depends_on_id, cause=f"dependency {dep.id} created"
    )
    _dependency_changed(dep.vendor_id, dep.depends_on_id)
    return dep


@transaction.atomic
def dependency_update(*, actor, instance: VendorDependency, **data) -> VendorDependency:
    old = (instance.vendor_id, instance.depends_on_id)
    cause = f"dependency {instance.id} updated"
    # Marks before the change see the old graph, marks after it the new one.
    dirty.mark_dependency(vendor_id=old[0], depends_on_id=old[1], cause=cause)
    dep, changed = model_update(instance, actor=actor, data=data)
    if changed:
        dirty.mark_dependency(vendor_id=dep.vendor_id, depends_on_id=dep.depends_on_id, cause=cause)
        _dependency_changed(*old)
        _dependency_changed(dep.vendor_id, dep.depends_on_id)
    return dep


@transaction.atomic
def dependency_delete(*, actor, instance: VendorDependency) -> None:
    cause = f"dependency {instance.id} deleted"
    edge = (instance.vendor_id, instance.depends_on_id)
    dirty.mark_dependency(vendor_id=edge[0], depends_on_id=edge[1], cause=cause)
    model_delete(instance, actor=actor)
    _dependency_changed(*edge)


@transaction.atomic
def engagement_bulk_create(*, actor, rows: list[dict]) -> list[Engagement]:
    """Create many engagements in one transaction (CSV imports): each validated like one, one mark set.

    Every row is validated before anything is written; the audit log gets one create entry per row.
    """
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError

    objects, errors = [], {}
    # Foreign keys are checked in bulk (two queries), not once per row by full_clean.
    labs = set(Lab.objects.filter(id__in={r.get("lab_id") for r in rows}).values_list("id", flat=True))
    vendors = set(
        Vendor.objects.filter(id__in={r.get("vendor_id") for r in rows}).values_list("id", flat=True)
    )
    for index, data in enumerate(rows):
        obj = Engagement(**data)
        try:
            missing = {}
            if obj.lab_id not in labs:
                missing["lab"] = "Unknown lab."
            if obj.vendor_id not in vendors:
                missing["vendor"] = "Unknown vendor."
            if missing:
                raise ValidationError(missing)
            obj.full_clean(
                exclude=["lab", "vendor", "owner"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors[index] = exc
        objects.append(obj)
    if errors:
        raise ValidationError({f"row {i + 1}": e.messages for i, e in errors.items()})
    created = Engagement.objects.bulk_create(objects, batch_size=2000)
    content_type = ContentType.objects.get_for_model(Engagement)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(e.pk),
                object_id=e.pk,
                object_repr=str(e)[:200],
                action=LogEntry.Action.CREATE,
                actor_id=actor_id,
                additional_data={"lab": e.lab_id},
                changes={
                    "title": [None, e.title],
                    "lab": [None, str(e.lab_id)],
                    "vendor": [None, str(e.vendor_id)],
                    "status": [None, e.status],
                },
            )
            for e in created
        ],
        batch_size=2000,
    )
    # One cause per lab, tagged with it: history shows other labs' imports to nobody (DESIGN section 5).
    by_lab: dict[int, list[Engagement]] = {}
    for e in created:
        by_lab.setdefault(e.lab_id, []).append(e)
    for lab_id, engagements in sorted(by_lab.items()):
        dirty.mark(
            vendors=graph_queries.vendors_downstream({e.vendor_id for e in engagements}),
            labs=[lab_id],
            cause=f"{len(engagements)} engagements imported",
            cause_lab=lab_id,
        )
    return created


# --- halting and resuming work at a vendor (DESIGN.md section 4, actions) ------------------------------


def _engagements_to_switch(*, actor, vendor: Vendor, lab: Lab | None, status: str, reason: str):
    if not (reason or "").strip():
        raise ValidationError({"reason": "Give the reason (it is written on the vendor's open incidents)."})
    engagements = scope(Engagement.objects.filter(vendor=vendor, status=status), actor)
    if lab is not None:
        engagements = engagements.filter(lab=lab)
    return list(engagements.select_for_update().order_by("id"))


def _work_changed(*, actor, vendor: Vendor, verb: str, engagements: list, reason: str) -> None:
    """Hooks that tell the vendor's open incidents (the incidents app registers one; imports run one way)."""
    if engagements:
        for hook in VENDOR_WORK_HOOKS:
            hook(actor=actor, vendor=vendor, verb=verb, count=len(engagements), reason=reason)


VENDOR_WORK_HOOKS: list = []


@transaction.atomic
def vendor_suspend(*, actor, vendor: Vendor, reason: str, lab: Lab | None = None) -> list[Engagement]:
    """Halt work: suspend the vendor's active engagements in the actor's labs (or only `lab`'s).

    Suspending does not end exposure: the vendor holds the data until disposal is confirmed.
    """
    engagements = _engagements_to_switch(
        actor=actor, vendor=vendor, lab=lab, status=EngagementStatus.ACTIVE, reason=reason
    )
    suspended = [
        engagement_update(actor=actor, instance=e, status=EngagementStatus.SUSPENDED) for e in engagements
    ]
    _work_changed(actor=actor, vendor=vendor, verb="halted", engagements=suspended, reason=reason)
    return suspended


@transaction.atomic
def vendor_resume(
    *, actor, vendor: Vendor, reason: str, lab: Lab | None = None
) -> tuple[list[Engagement], list[Engagement]]:
    """Resume work: set the vendor's suspended engagements in scope back to active.

    Returns (resumed, skipped): an engagement whose data was disposed of cannot be active again.
    """
    engagements = _engagements_to_switch(
        actor=actor, vendor=vendor, lab=lab, status=EngagementStatus.SUSPENDED, reason=reason
    )
    skipped = [e for e in engagements if e.data_disposed_on is not None]
    resumed = [
        engagement_update(actor=actor, instance=e, status=EngagementStatus.ACTIVE)
        for e in engagements
        if e.data_disposed_on is None
    ]
    _work_changed(actor=actor, vendor=vendor, verb="resumed", engagements=resumed, reason=reason)
    return resumed, skipped

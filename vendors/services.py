"""Writes for labs, vendors, engagements and dependencies: validate, save, audit, mark scores dirty."""

from django.db import transaction

from vendorrisk.services import blocker, model_create, model_delete, model_update

from . import dirty
from .models import Engagement, Lab, Vendor, VendorDependency
from .scoping import scope

SCORE_FIELDS = {
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "data_disposed_on",
    "lab",
    "vendor",
}


@transaction.atomic
def lab_create(*, actor, **data) -> Lab:
    lab = model_create(Lab, actor=actor, data=data)
    dirty.mark(labs=[lab.id], cause=f"lab {lab.id} created")
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
    from django.apps import apps

    incidents_of_lab = apps.get_model("incidents", "LabResponse").objects.filter(lab=instance)
    model_delete(
        instance,
        actor=actor,
        blockers={
            "engagements": blocker(instance.engagements.all()),
            "incident responses": blocker(incidents_of_lab),
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
    from django.apps import apps

    pk = instance.pk
    Incident = apps.get_model("incidents", "Incident")
    Assessment = apps.get_model("assessments", "Assessment")
    model_delete(
        instance,
        actor=actor,
        blockers={
            "engagements": blocker(instance.engagements.all(), visible=lambda qs: scope(qs, actor)),
            "dependencies": blocker(
                VendorDependency.objects.filter(vendor=instance)
                | VendorDependency.objects.filter(depends_on=instance)
            ),
            "incidents": blocker(Incident.objects.filter(vendor=instance)),
            "assessments": blocker(Assessment.objects.filter(vendor=instance)),
            "vendors in its group": blocker(instance.children.all()),
        },
    )
    # A deleted vendor had no engagements or edges, so nothing else reaches it; its score row goes.
    dirty.mark_vendor(vendor_id=pk, cause=f"vendor {pk} deleted")


@transaction.atomic
def engagement_create(*, actor, **data) -> Engagement:
    engagement = model_create(Engagement, actor=actor, data=data)
    dirty.mark_engagement(
        lab_id=engagement.lab_id, vendor_id=engagement.vendor_id, cause=f"engagement {engagement.id} created"
    )
    return engagement


@transaction.atomic
def engagement_update(*, actor, instance: Engagement, **data) -> Engagement:
    old_lab, old_vendor = instance.lab_id, instance.vendor_id
    engagement, changed = model_update(instance, actor=actor, data=data)
    if set(changed) & SCORE_FIELDS:
        cause = f"engagement {engagement.id} updated"
        dirty.mark_engagement(lab_id=old_lab, vendor_id=old_vendor, cause=cause)
        if (old_lab, old_vendor) != (engagement.lab_id, engagement.vendor_id):
            dirty.mark_engagement(lab_id=engagement.lab_id, vendor_id=engagement.vendor_id, cause=cause)
        for hook in ENGAGEMENT_CHANGE_HOOKS:
            hook(engagement)
    return engagement


ENGAGEMENT_CHANGE_HOOKS: list = []


@transaction.atomic
def engagement_delete(*, actor, instance: Engagement) -> None:
    lab_id, vendor_id, pk = instance.lab_id, instance.vendor_id, instance.id
    model_delete(instance, actor=actor)
    dirty.mark_engagement(lab_id=lab_id, vendor_id=vendor_id, cause=f"engagement {pk} deleted")


@transaction.atomic
def dependency_create(*, actor, **data) -> VendorDependency:
    dep = model_create(VendorDependency, actor=actor, data=data)
    dirty.mark_dependency(
        vendor_id=dep.vendor_id, depends_on_id=dep.depends_on_id, cause=f"dependency {dep.id} created"
    )
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
    return dep


@transaction.atomic
def dependency_delete(*, actor, instance: VendorDependency) -> None:
    cause = f"dependency {instance.id} deleted"
    dirty.mark_dependency(vendor_id=instance.vendor_id, depends_on_id=instance.depends_on_id, cause=cause)
    model_delete(instance, actor=actor)

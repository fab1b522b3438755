"""Writes for labs, vendors, engagements and dependencies: validate, save, audit, record the events.
Single and bulk writes of an entity share one core (`_engagements_created`, ...). What must follow an
event in the same transaction is a declared consumer: the score marks in `vendors/consumers.py`, the
notification upkeep and timelines in the app above (`incidents/consumers.py`)."""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.core import events
from vendorrisk.core.accounts import check_assignee
from vendorrisk.core.event_data import changes_of
from vendorrisk.core.events import NewEvent
from vendorrisk.core.scoping import scope
from vendorrisk.core.services import blocker, model_bulk_create, model_create, model_delete, model_update

from ..choices import EngagementStatus
from ..events import dependency_data, engagement_events, lab_data, vendor_data_many
from ..models import Engagement, Lab, Vendor, VendorDependency

# An engagement's score inputs: a change of one marks scores dirty (`vendors.consumers`).
SCORE_FIELDS = {
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "data_disposed_on",
    "lab",
    "vendor",
}


def _record(new_events: list, *, actor, cause: str | None = None) -> None:
    events.record_many(new_events, actor=actor, cause=cause)


@transaction.atomic
def lab_create(*, actor, **data) -> Lab:
    lab = model_create(Lab, actor=actor, data=data)
    _labs_created([lab], actor=actor, cause=None)
    return lab


def _labs_created(labs: list[Lab], *, actor, cause: str | None) -> None:
    """What follows the insert of labs, single (`cause` None) or bulk: their events (score marks follow)."""
    _record(
        [NewEvent("lab.created", "lab", lab.pk, (lab.pk,), lab_data(lab)) for lab in labs],
        actor=actor,
        cause=cause,
    )


@transaction.atomic
def lab_bulk_insert(*, actor, labs: list[Lab], cause: str) -> list[Lab]:
    """Insert validated, unsaved labs in bulk (importers); `cause` may name `{id}`."""
    created = model_bulk_create(Lab, labs, actor=actor)
    _labs_created(created, actor=actor, cause=cause)
    return created


@transaction.atomic
def lab_update(*, actor, instance: Lab, **data) -> Lab:
    lab, changed = model_update(instance, actor=actor, data=data)
    if changed:
        # A change of regimes re-times the notifications (the incidents app's consumer).
        events.record(
            "lab.updated",
            actor=actor,
            object_type="lab",
            object_id=lab.pk,
            labs=[lab.pk],
            data=lab_data(lab),
            changes=changes_of(changed, lab),
        )
    return lab


@transaction.atomic
def lab_delete(*, actor, instance: Lab) -> None:
    # The incidents app sits above this one: its rows are reached through the reverse relation it declares.
    incidents_of_lab = instance.incident_responses.all()
    pk, data = instance.pk, lab_data(instance)
    model_delete(
        instance,
        actor=actor,
        blockers={
            "engagements": blocker(instance.engagements.all(), actor=actor),
            "incident responses": blocker(incidents_of_lab, actor=actor),
        },
    )
    events.record("lab.deleted", actor=actor, object_type="lab", object_id=pk, labs=[pk], data=data)


@transaction.atomic
def vendor_create(*, actor, **data) -> Vendor:
    vendor = model_create(Vendor, actor=actor, data=data)
    _vendors_created([vendor], actor=actor, cause=None)
    return vendor


def _vendors_created(vendors: list[Vendor], *, actor, cause: str | None) -> None:
    """What follows the insert of vendors, single (`cause` None) or bulk: their events (score marks follow)."""
    datas = vendor_data_many(vendors)
    _record(
        [NewEvent("vendor.created", "vendor", v.pk, (), d) for v, d in zip(vendors, datas, strict=True)],
        actor=actor,
        cause=cause,
    )


@transaction.atomic
def vendor_bulk_insert(*, actor, vendors: list[Vendor], cause: str) -> list[Vendor]:
    """Insert validated, unsaved vendors in bulk (importers); `cause` may name the count `{n}`."""
    created = model_bulk_create(Vendor, vendors, actor=actor)
    _vendors_created(created, actor=actor, cause=cause)
    return created


@transaction.atomic
def vendor_update(*, actor, instance: Vendor, **data) -> Vendor:
    vendor, changed = model_update(instance, actor=actor, data=data)
    if changed:  # a new group moves scores (`changes.parent`: the consumer marks both groups)
        events.record(
            "vendor.updated",
            actor=actor,
            object_type="vendor",
            object_id=vendor.pk,
            data=vendor_data_many([vendor])[0],
            changes=changes_of(changed, vendor),
        )
    return vendor


@transaction.atomic
def vendor_delete(*, actor, instance: Vendor) -> None:
    pk, data = instance.pk, vendor_data_many([instance])[0]
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
    events.record("vendor.deleted", actor=actor, object_type="vendor", object_id=pk, data=data)


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
    _engagements_created([engagement], actor=actor, cause=None)
    return engagement


def _engagements_created(created: list[Engagement], *, actor, cause: str | None) -> None:
    """The one core after engagements are inserted, one or many (API, CSV import, HHS importer, demo):
    an `engagement.created` event each, recorded in one batch. Its consumers mark scores once per lab
    (`vendors.consumers`) and start regulator clocks (`incidents.consumers`). A bulk `cause` names the
    count `{n}`; it is shown to that lab's users only, so it says nothing of other labs (DESIGN section 5).
    """
    _record(engagement_events("created", created), actor=actor, cause=cause)


@transaction.atomic
def engagement_update(*, actor, instance: Engagement, **data) -> Engagement:
    _check_owner(data, instance)
    old_lab = instance.lab_id
    engagement, changed = model_update(instance, actor=actor, data=data)
    if changed:  # `changes` carries the old lab and vendor: the consumers mark both sides of a move
        labs = {engagement.lab_id, old_lab}  # moved between labs: it concerns both
        (event,) = engagement_events("updated", [engagement], [changes_of(changed, engagement)])
        _record([replace(event, labs=tuple(sorted(labs)))], actor=actor)
    return engagement


@transaction.atomic
def engagement_delete(*, actor, instance: Engagement) -> None:
    deleted = engagement_events("deleted", [instance])
    model_delete(instance, actor=actor)
    _record(deleted, actor=actor)


def _dependency_event(kind: str, dep: VendorDependency, *, actor, changes: dict | None = None) -> None:
    events.record(
        f"vendor_dependency.{kind}",
        actor=actor,
        object_type="vendor_dependency",
        object_id=dep.pk,
        data=dependency_data(dep),
        changes=changes,
    )


# The edge's old ends are in the events (`changes`, the deleted edge's payload): `vendors.consumers`
# marks them on the graph after the change, which reaches what the old graph reached (see there).
@transaction.atomic
def dependency_create(*, actor, **data) -> VendorDependency:
    dep = model_create(VendorDependency, actor=actor, data=data)
    _dependency_event("created", dep, actor=actor)
    return dep


@transaction.atomic
def dependency_update(*, actor, instance: VendorDependency, **data) -> VendorDependency:
    dep, changed = model_update(instance, actor=actor, data=data)
    if changed:
        _dependency_event("updated", dep, actor=actor, changes=changes_of(changed, dep))
    return dep


@transaction.atomic
def dependency_delete(*, actor, instance: VendorDependency) -> None:
    pk, data = instance.pk, dependency_data(instance)
    model_delete(instance, actor=actor)
    events.record(
        "vendor_dependency.deleted", actor=actor, object_type="vendor_dependency", object_id=pk, data=data
    )


@transaction.atomic
def engagement_bulk_create(*, actor, rows: list[dict]) -> list[Engagement]:
    """Create many engagements in one transaction (CSV imports): each validated like one, then
    `engagement_bulk_insert`. Every row is validated before anything is written."""
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
    return engagement_bulk_insert(actor=actor, engagements=objects, cause="{n} engagements imported")


@transaction.atomic
def engagement_bulk_insert(*, actor, engagements: list[Engagement], cause: str) -> list[Engagement]:
    """Insert validated, unsaved engagements in bulk: audit entries as single creates write them, then
    the same core as `engagement_create`."""
    created = model_bulk_create(Engagement, engagements, actor=actor)
    _engagements_created(created, actor=actor, cause=cause)
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
    """`vendor.work_halted` / `vendor.work_resumed`, for the labs whose engagements switched (the incidents
    app's consumer writes it on the vendor's open incidents)."""
    if engagements:
        events.record(
            f"vendor.work_{verb}",
            actor=actor,
            object_type="vendor",
            object_id=vendor.pk,
            labs=sorted({e.lab_id for e in engagements}),
            data={
                **vendor_data_many([vendor])[0],
                "engagements": [{"id": e.pk, "lab": e.lab_id} for e in engagements],
                "reason": reason,
            },
        )


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

"""A what-if plan: its changes validated exactly like the real writes, applied to in-memory copies.

Each change is checked with the API serializer of its object (scoped like the real endpoint, so an
out-of-scope id reads as unknown) and the model's full validation, against the state the earlier changes
of the plan left. Nothing is saved: copies of the rows are changed in memory and collected in an
`Overlay`, which `world` turns into the scorer's inputs.
"""

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers

from incidents.choices import DONE_STATUSES, IncidentStatus
from incidents.models import Incident
from incidents.services import _apply_status
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.scoping import scope
from vendorrisk.core.services import full_clean
from vendors.models import Engagement, Vendor, VendorDependency
from vendors.rules import parent_chain
from vendors.services import _check_owner

from ..choices import Rating

MAX_CHANGES = 500
# Objects a plan creates sort after every stored one, in creation order, as the real ids would.
NEW_ID_BASE = 10**15
MAX_ID = 2**63 - 1  # a 64-bit key: beyond it an id is unknown, never a database error
NEW_REF = re.compile(r"^new:([1-9][0-9]{0,8})$")
UNKNOWN = 'Invalid pk "{pk}" - object does not exist.'

MODELS = {"engagement": Engagement, "dependency": VendorDependency, "incident": Incident, "vendor": Vendor}
# The API serializer of each kind, so a plan is validated exactly like the real write. Pages and selectors
# may not import API modules, so the shell registers them (vendorrisk.apps) rather than this module.
SERIALIZERS: dict[str, type[serializers.Serializer]] = {}


def register_serializers(**by_kind: type[serializers.Serializer]) -> None:
    unknown = set(by_kind) - set(MODELS)
    if unknown:
        raise ValueError(f"no such plan objects: {sorted(unknown)}")
    SERIALIZERS.update(by_kind)


def _kind(kind: str) -> tuple[type, type[serializers.Serializer]]:
    if kind not in SERIALIZERS:
        raise RuntimeError(f"No API serializer registered for {kind}: vendorrisk.apps registers them.")
    return MODELS[kind], SERIALIZERS[kind]


CREATABLE = ("engagement", "dependency", "incident")
DELETABLE = ("engagement", "dependency")


class PlanTooLarge(Exception):
    pass


class PlanInvalid(Exception):
    """`errors`: change index -> field errors, or a list of messages about the plan as a whole."""

    def __init__(self, errors: dict[str, dict] | list[str]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Overlay:
    """The plan's end state: per object, its original row (None when new) and its in-memory copy
    (None when deleted), plus each vendor's planned assessment rating."""

    originals: dict[tuple[str, int], Any] = field(default_factory=dict)
    current: dict[tuple[str, int], Any] = field(default_factory=dict)
    ratings: dict[int, str | None] = field(default_factory=dict)
    refs: dict[str, tuple[str, int]] = field(default_factory=dict)
    created: int = 0

    def objects(self, kind: str) -> list[tuple[int, Any, Any]]:
        """(id, original, current) of every object of this kind the plan touches, by id."""
        return sorted(
            (pk, self.originals[(k, pk)], obj) for (k, pk), obj in self.current.items() if k == kind
        )


class ChangeSerializer(serializers.Serializer):
    """One change of `POST /api/what-if/` (DESIGN.md section 9)."""

    op = serializers.ChoiceField(choices=["create", "update", "delete", "assess"])
    object = serializers.ChoiceField(choices=list(MODELS), required=False)
    ref = serializers.CharField(required=False, max_length=20, help_text='Create only: "new:<n>".')
    id = serializers.JSONField(required=False, help_text='An id, or "new:<n>" of an earlier create.')
    fields = serializers.DictField(required=False, help_text="The object's API fields, as in a real write.")
    vendor = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Assess only.")
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        allow_null=True,
        required=False,
        help_text="Assess only; null = no assessment.",
    )

    def validate(self, attrs):
        op, kind = attrs["op"], attrs.get("object")
        needs = {"create": ("object", "ref", "fields"), "update": ("object", "id", "fields"),
                 "delete": ("object", "id"), "assess": ("vendor", "rating")}[op]  # fmt: skip
        missing = {name: ["This field is required."] for name in needs if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        allowed = {"create": CREATABLE, "delete": DELETABLE}.get(op, MODELS if op == "update" else ())
        if kind is not None and kind not in allowed:
            raise serializers.ValidationError({"object": [f"A plan cannot {op} a {kind}."]})
        if op == "create" and not NEW_REF.match(attrs["ref"]):
            raise serializers.ValidationError(
                {"ref": ['A new object\'s reference is "new:<n>", e.g. "new:1".']}
            )
        return attrs


class Planner:
    """Applies changes one by one to the overlay, as `user` would make them."""

    def __init__(self, *, user, request, now: datetime):
        self.user, self.request, self.now = user, request, now
        self.overlay = Overlay()

    # --- entry -----------------------------------------------------------------------------------------

    def apply_all(self, changes: Any) -> Overlay:
        if not isinstance(changes, list):
            raise PlanInvalid(["Expected a list of changes."])
        if len(changes) > MAX_CHANGES:
            raise PlanTooLarge(f"A plan has at most {MAX_CHANGES} changes; this one has {len(changes)}.")
        for index, change in enumerate(changes):
            try:
                self.apply(change)
            except ValidationError as exc:
                raise PlanInvalid({str(index): _django_errors(exc)}) from None
            except serializers.ValidationError as exc:
                raise PlanInvalid({str(index): _drf_errors(exc.detail)}) from None
        return self.overlay

    def apply(self, change: Any) -> None:
        parsed = ChangeSerializer(data=change)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        if data["op"] == "assess":
            self.assess(data["vendor"], data["rating"])
        elif data["op"] == "create":
            self.create(data["object"], data["ref"], data["fields"])
        elif data["op"] == "update":
            self.update(data["object"], data["id"], data["fields"])
        else:
            self.delete(data["object"], data["id"])

    # --- operations ------------------------------------------------------------------------------------

    def assess(self, vendor_id: int, rating: str | None) -> None:
        if not scope(Vendor.objects.filter(pk=vendor_id), self.user).exists():
            raise serializers.ValidationError({"vendor": [UNKNOWN.format(pk=vendor_id)]})
        self.overlay.ratings[vendor_id] = rating

    def create(self, kind: str, ref: str, fields: dict) -> None:
        if ref in self.overlay.refs:
            raise serializers.ValidationError({"ref": [f"{ref} is already used by an earlier change."]})
        model, serializer_class = _kind(kind)
        serializer = serializer_class(data=fields, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("note", None)
        if kind == "incident":
            status = values.get("status", IncidentStatus.REPORTED)
            if status in DONE_STATUSES and not values.get("resolved_at"):
                values["resolved_at"] = self.now
            if status not in DONE_STATUSES:
                values["resolved_at"] = None
        obj = model(**values)
        if kind == "engagement":
            _check_owner(values)
        self._check(kind, obj)
        self.overlay.created += 1
        pk = NEW_ID_BASE + self.overlay.created
        self.overlay.refs[ref] = (kind, pk)
        self.overlay.originals[(kind, pk)] = None
        self.overlay.current[(kind, pk)] = obj

    def update(self, kind: str, ref: Any, fields: dict) -> None:
        pk, obj = self._target(kind, ref)
        serializer = _kind(kind)[1](obj, data=fields, partial=True, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("note", None)
        obj = copy.copy(obj)
        if kind == "incident":
            self._incident_status(obj, values)
        if kind == "engagement":
            _check_owner(values, obj if obj.pk is not None else None)
        for name, value in values.items():
            setattr(obj, name, value)
        self._check(kind, obj)
        self.overlay.current[(kind, pk)] = obj

    def delete(self, kind: str, ref: Any) -> None:
        pk, _ = self._target(kind, ref)
        self.overlay.current[(kind, pk)] = None

    # --- helpers ---------------------------------------------------------------------------------------

    def _target(self, kind: str, ref: Any) -> tuple[int, Any]:
        """The id and current state of the object a change names (404-like ids are field errors)."""
        if isinstance(ref, str) and NEW_REF.match(ref):
            target = self.overlay.refs.get(ref)
            if target is None:
                raise serializers.ValidationError({"id": [f"{ref} is not created by an earlier change."]})
            if target[0] != kind:
                raise serializers.ValidationError({"id": [f"{ref} is a {target[0]}, not a {kind}."]})
            pk = target[1]
        elif isinstance(ref, int) and not isinstance(ref, bool) and 0 < ref <= MAX_ID:
            pk = ref
        else:
            raise serializers.ValidationError({"id": ['Expected an id or "new:<n>".']})
        key = (kind, pk)
        if key not in self.overlay.current:
            model = MODELS[kind]
            row = scope(model.objects.filter(pk=pk), self.user).first()
            if row is None:
                raise serializers.ValidationError({"id": [UNKNOWN.format(pk=pk)]})
            self.overlay.originals[key] = row
            self.overlay.current[key] = row
        obj = self.overlay.current[key]
        if obj is None:
            raise serializers.ValidationError({"id": [f"{ref} is deleted by an earlier change."]})
        return pk, obj

    def _incident_status(self, incident: Incident, values: dict) -> None:
        """The lifecycle rules of `incidents.services.incident_update`, on the copy."""
        old, new = incident.status, values.get("status", incident.status)
        if new in DONE_STATUSES and "resolved_at" in values and values["resolved_at"] is None:
            del values["resolved_at"]
        try:
            _apply_status(incident, old, new, explicit_resolved_at="resolved_at" in values)
        except ApplicationError as exc:
            raise serializers.ValidationError({"status": [exc.message]}) from None
        if new not in DONE_STATUSES and "resolved_at" in values:
            values["resolved_at"] = None

    def _check(self, kind: str, obj: Any) -> None:
        full_clean(obj)
        if kind == "vendor":
            self._check_parent_cycle(obj)
        if kind == "dependency":
            pair = (obj.vendor_id, obj.depends_on_id)
            for (k, pk), other in self.overlay.current.items():
                if (
                    k == kind
                    and other is not None
                    and other is not obj
                    and pk != obj.pk
                    and (other.vendor_id, other.depends_on_id) == pair
                ):
                    raise ValidationError({"depends_on": "This dependency already exists in the plan."})

    def _check_parent_cycle(self, vendor: Vendor) -> None:
        """The model checks the stored groups with this one change; a plan's earlier parent changes count
        too, as they would have been saved by then."""
        planned = {pk: v.parent_id for (k, pk), v in self.overlay.current.items() if k == "vendor"}
        if not planned or vendor.parent_id is None:
            return
        parents = dict(Vendor.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
        parents.update(planned)
        parents[vendor.pk] = vendor.parent_id
        _, cycle = parent_chain(vendor.pk, parents.get)
        if cycle:
            raise ValidationError({"parent": "This parent would make a cycle of vendor groups."})


def _django_errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _drf_errors(detail: Any) -> dict:
    if isinstance(detail, dict):
        return {name: _plain(value) for name, value in detail.items()}
    return {"non_field_errors": _plain(detail)}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)

"""Project-level API resources: users (admin) and the audit trail (admin and security)."""

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError

from vendorrisk.core import events
from vendorrisk.core.filters import (
    DateTimeRangeFilter,
    FilterSet,
    IdFilter,
    ModelChoiceFilter,
    StrictDjangoFilterBackend,
)
from vendorrisk.core.pagination import AfterIdPagination
from vendorrisk.core.scoping import can_see_lab, scope, visible_lab_ids
from vendorrisk.models import Event, EventLab
from vendors.models import Lab

from .core import accounts, audit
from .core.api_base import ModelSerializer, RelatedNameField, ServiceModelViewSet
from .core.roles import ADMIN_ONLY, AUDIT_READERS, Role

User = get_user_model()


class UserSerializer(ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, max_length=256, trim_whitespace=False)
    labs = serializers.PrimaryKeyRelatedField(many=True, queryset=Lab.objects.all(), required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "email",
            "first_name",
            "last_name",
            "role",
            "all_labs",
            "labs",
            "is_active",
            "last_login",
            "date_joined",
        ]
        read_only_fields = ["last_login", "date_joined"]

    def validate(self, attrs):
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": "This field is required."})
        return attrs


class UserFilterSet(FilterSet):
    username = django_filters.CharFilter(lookup_expr="icontains")
    role = django_filters.MultipleChoiceFilter(choices=Role.choices)
    lab = ModelChoiceFilter(field_name="labs", queryset=Lab.objects.all())

    class Meta:
        model = User
        fields = ["username", "role", "all_labs", "is_active", "lab"]


class UserViewSet(ServiceModelViewSet):
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering_fields = ["id", "username", "date_joined"]
    list_selector = accounts.user_list
    create_service = accounts.user_create
    update_service = accounts.user_update
    delete_service = accounts.user_delete
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY


class AuditEntrySerializer(ModelSerializer):
    object_type = serializers.SerializerMethodField()
    action = serializers.SerializerMethodField()
    actor_name = RelatedNameField("actor.username")
    changes = serializers.SerializerMethodField()
    object_repr = serializers.SerializerMethodField()

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "timestamp",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "actor",
            "actor_name",
            "changes",
            "remote_addr",
        ]

    def _seen(self, obj) -> tuple[dict, str]:
        request = self.context.get("request")
        return audit.entry_as_seen_by(request.user if request else None, obj)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_changes(self, obj) -> dict:
        """Field → [old, new]; values from a time the row belonged to a lab outside yours are redacted."""
        return self._seen(obj)[0]

    def get_object_repr(self, obj) -> str:
        return self._seen(obj)[1]

    def get_object_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_action(self, obj) -> str:
        return {0: "create", 1: "update", 2: "delete", 3: "access"}.get(obj.action, str(obj.action))


class AuditFilterSet(FilterSet):
    object_type = django_filters.CharFilter(
        method="filter_object_type", help_text="app_label.model, e.g. vendors.engagement"
    )
    object_id = IdFilter()
    actor = IdFilter(field_name="actor_id")
    action = django_filters.ChoiceFilter(
        choices=[("create", "create"), ("update", "update"), ("delete", "delete")], method="filter_action"
    )
    timestamp = DateTimeRangeFilter()

    class Meta:
        model = LogEntry
        fields = ["object_type", "object_id", "actor", "action", "timestamp"]

    def filter_object_type(self, qs, name, value):
        app_label, _, model = value.lower().partition(".")
        return qs.filter(content_type__app_label=app_label, content_type__model=model)

    def filter_action(self, qs, name, value: str):
        return qs.filter(action={"create": 0, "update": 1, "delete": 2}[value])


def audit_list(*, user):
    """Audit entries, cut to the user's labs: an entry of a lab-owned row (its lab in additional_data) is
    listed only when that lab is one of the user's; one without its lab is not listed to lab-limited users.
    What a listed entry says about other labs is redacted by `audit.entry_as_seen_by`."""
    qs = LogEntry.objects.select_related("content_type", "actor").order_by("-timestamp", "-id")
    ids = visible_lab_ids(user)
    if ids is None:
        return qs
    user_type = ContentType.objects.get_for_model(User)
    lab_owned = audit.lab_owned_models()
    qs = qs.exclude(content_type=user_type).filter(
        ~audit.is_entry_of_any(lab_owned) | Q(additional_data__lab__in=list(ids))
    )
    return audit.with_current_lab(qs, lab_owned)


class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    """Who changed what, when: every create, update and delete."""

    queryset = LogEntry.objects.none()  # the schema's model (integer id); reads go through get_queryset
    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilterSet
    search_fields = ["object_repr"]
    ordering_fields = ["timestamp", "id"]
    read_roles = AUDIT_READERS

    def get_queryset(self):
        return audit_list(user=self.request.user)


# --- the event feed (DESIGN.md section 8) ---------------------------------------------------------------


def _type_choices() -> list[tuple[str, str]]:
    prefixes = {t.rsplit(".", 1)[0] for t in events.EVENT_TYPES}
    values = sorted(set(events.EVENT_TYPES) | {f"{p}.*" for p in prefixes} | {"*"})
    return [(v, v) for v in values]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (ids): `1.5` is an error, not a match for nothing."""

    field_class = forms.IntegerField


class EventFilterSet(FilterSet):
    after = IntegerFilter(
        field_name="id", lookup_expr="gt", min_value=0, max_value=2**63 - 1, help_text="Events after this id."
    )
    type = django_filters.MultipleChoiceFilter(
        choices=_type_choices, method="filter_type", help_text="An event type or `prefix.*`; repeatable."
    )
    lab = IntegerFilter(method="filter_lab", min_value=1, max_value=2**63 - 1)
    object_type = django_filters.CharFilter(max_length=40)
    object_id = IntegerFilter(min_value=-(2**63), max_value=2**63 - 1)
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gt")

    class Meta:
        model = Event
        fields = ["after", "type", "lab", "object_type", "object_id", "occurred_after"]

    def filter_type(self, qs, name, value):
        if not value or "*" in value:
            return qs
        condition = Q()
        for pattern in value:
            condition |= Q(type__startswith=pattern[:-1]) if pattern.endswith(".*") else Q(type=pattern)
        return qs.filter(condition)

    def filter_lab(self, qs, name, value):
        user = getattr(self.request, "user", None)
        if not can_see_lab(user, int(value)):
            return qs.none()  # whether another lab is concerned is not for this caller to learn
        return qs.filter(Exists(EventLab.objects.filter(event=OuterRef("pk"), lab_id=int(value))))


class EventSerializer(serializers.ModelSerializer):
    """An event cut to the caller's labs (`events.event_as_seen_by`): other labs only as a count."""

    data = serializers.SerializerMethodField()
    labs = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "type", "occurred_at", "actor", "object_type", "object_id", "labs", "data"]

    def to_representation(self, instance):
        request = self.context.get("request")
        seen = events.event_as_seen_by(request.user if request else None, instance)
        seen["occurred_at"] = serializers.DateTimeField().to_representation(seen["occurred_at"])
        return seen

    def get_labs(self, obj) -> list[int]:
        """The ids of the labs the event concerns, among yours."""
        return []

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_data(self, obj) -> dict:
        """The object's API representation after the change, `changes` for updates, `other_labs` when
        the event concerns labs outside yours."""
        return {}


class EventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The event feed: ascending ids, `?after=<last id seen>` to resume; an id once returned is never
    skipped by a later read (ids are commit-ordered)."""

    queryset = Event.objects.none()  # the schema's model; reads go through get_queryset
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    filter_backends = [StrictDjangoFilterBackend]
    pagination_class = AfterIdPagination

    def get_queryset(self):
        return scope(Event.objects.all(), self.request.user).order_by("id")

    def list(self, request, *args, **kwargs):
        if "ordering" in request.query_params:  # never silently ignored (the house rule for lists)
            raise ValidationError(
                {"ordering": ["The feed is always in ascending id order; resume with after."]}
            )
        return super().list(request, *args, **kwargs)

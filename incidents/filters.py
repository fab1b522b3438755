import django_filters
from django.db.models import Q
from django.utils import timezone

from vendorrisk.core.filters import (
    BooleanFilter,
    ChoiceListContainsFilter,
    DateTimeRangeFilter,
    FilterSet,
    ModelChoiceFilter,
    ModelMultipleChoiceFilter,
    scoped_queryset,
)
from vendors.choices import DataCategory, Regime, Severity, VendorCategory
from vendors.models import Lab, Vendor

from .choices import (
    AttackVector,
    DataExposure,
    Decision,
    IncidentStatus,
    NotificationStage,
    NotificationStatus,
)
from .models import Incident, IncidentUpdate, LabResponse, Notification


class IncidentFilterSet(FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    vendor = ModelMultipleChoiceFilter(queryset=scoped_queryset(Vendor))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    attack_vector = django_filters.MultipleChoiceFilter(choices=AttackVector.choices)
    data_exposure = django_filters.MultipleChoiceFilter(choices=DataExposure.choices)
    data_category = ChoiceListContainsFilter(
        field_name="data_categories_exposed", choices=DataCategory.choices
    )
    category = django_filters.MultipleChoiceFilter(
        field_name="vendor__category", choices=VendorCategory.choices
    )
    discovered_at = DateTimeRangeFilter()
    occurred_at = DateTimeRangeFilter()
    source = django_filters.CharFilter()
    external_id = django_filters.CharFilter()
    open = BooleanFilter(method="filter_open", label="Open (not resolved or closed)")

    class Meta:
        model = Incident
        fields = [
            "title",
            "vendor",
            "severity",
            "status",
            "attack_vector",
            "data_exposure",
            "data_category",
            "category",
            "discovered_at",
            "occurred_at",
            "source",
            "external_id",
            "open",
        ]

    def filter_open(self, qs, name, value):
        done = [IncidentStatus.RESOLVED, IncidentStatus.CLOSED]
        return qs.exclude(status__in=done) if value else qs.filter(status__in=done)


class IncidentUpdateFilterSet(FilterSet):
    created_at = DateTimeRangeFilter()

    class Meta:
        model = IncidentUpdate
        fields = ["created_at"]


class LabResponseFilterSet(FilterSet):
    lab = ModelMultipleChoiceFilter(queryset=scoped_queryset(Lab))
    decision = django_filters.MultipleChoiceFilter(choices=Decision.choices)

    class Meta:
        model = LabResponse
        fields = ["lab", "decision"]


class NotificationFilterSet(FilterSet):
    incident = ModelChoiceFilter(queryset=scoped_queryset(Incident))
    lab = ModelMultipleChoiceFilter(queryset=scoped_queryset(Lab))
    regime = django_filters.MultipleChoiceFilter(choices=Regime.choices)
    stage = django_filters.MultipleChoiceFilter(choices=NotificationStage.choices)
    status = django_filters.MultipleChoiceFilter(choices=NotificationStatus.choices, method="filter_status")
    due_at = DateTimeRangeFilter()

    class Meta:
        model = Notification
        fields = ["incident", "lab", "regime", "stage", "status", "due_at"]

    def filter_status(self, qs, name, value):
        if not value:
            return qs
        now = timezone.now()
        conditions = {
            NotificationStatus.SUBMITTED: Q(submitted_at__isnull=False),
            NotificationStatus.NOT_REQUIRED: Q(submitted_at__isnull=True, required=False),
            NotificationStatus.OVERDUE: Q(submitted_at__isnull=True, required=True, due_at__lt=now),
            NotificationStatus.PENDING: Q(submitted_at__isnull=True, required=True, due_at__gte=now),
        }
        q = Q()
        for v in value:
            q |= conditions[v]
        return qs.filter(q)

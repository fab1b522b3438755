import django_filters

from vendorrisk.core.filters import (
    BooleanFilter,
    ChoiceListContainsFilter,
    FilterSet,
    ModelChoiceFilter,
    ModelMultipleChoiceFilter,
    scoped_queryset,
)

from .choices import (
    Criticality,
    DataCategory,
    DataSensitivity,
    EngagementStatus,
    Regime,
    Substitutability,
    VendorCategory,
    VendorStatus,
)
from .models import Engagement, Lab, Vendor, VendorDependency


class LabFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    regime = ChoiceListContainsFilter(field_name="regimes", choices=Regime.choices)

    class Meta:
        model = Lab
        fields = ["name", "slug", "regime"]


class VendorFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    category = django_filters.MultipleChoiceFilter(choices=VendorCategory.choices)
    status = django_filters.MultipleChoiceFilter(choices=VendorStatus.choices)
    parent = ModelChoiceFilter(queryset=scoped_queryset(Vendor))
    country = django_filters.CharFilter()
    lab = ModelChoiceFilter(
        queryset=scoped_queryset(Lab),
        field_name="engagements__lab",
        distinct=True,
        label="Engaged by lab",
    )

    class Meta:
        model = Vendor
        fields = ["name", "category", "status", "parent", "country", "lab"]


class EngagementFilterSet(FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    lab = ModelMultipleChoiceFilter(queryset=scoped_queryset(Lab))
    vendor = ModelMultipleChoiceFilter(queryset=scoped_queryset(Vendor))
    status = django_filters.MultipleChoiceFilter(choices=EngagementStatus.choices)
    criticality = django_filters.MultipleChoiceFilter(choices=Criticality.choices)
    data_sensitivity = django_filters.MultipleChoiceFilter(choices=DataSensitivity.choices)
    substitutability = django_filters.MultipleChoiceFilter(choices=Substitutability.choices)
    data_category = ChoiceListContainsFilter(field_name="data_categories", choices=DataCategory.choices)
    category = django_filters.MultipleChoiceFilter(
        field_name="vendor__category", choices=VendorCategory.choices
    )
    start_date = django_filters.DateFromToRangeFilter()
    end_date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Engagement
        fields = [
            "title",
            "lab",
            "vendor",
            "status",
            "criticality",
            "data_sensitivity",
            "substitutability",
            "data_category",
            "category",
            "start_date",
            "end_date",
        ]


class VendorDependencyFilterSet(FilterSet):
    vendor = ModelChoiceFilter(queryset=scoped_queryset(Vendor))
    depends_on = ModelChoiceFilter(queryset=scoped_queryset(Vendor))
    shares_data = BooleanFilter()

    class Meta:
        model = VendorDependency
        fields = ["vendor", "depends_on", "shares_data"]

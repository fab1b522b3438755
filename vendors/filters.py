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
    ArrangementType,
    Criticality,
    CriticalOrImportant,
    DataCategory,
    DataSensitivity,
    DoraEntityType,
    EngagementStatus,
    ICTServiceType,
    IdentifierType,
    Regime,
    Substitutability,
    VendorCategory,
    VendorStatus,
)
from .models import Engagement, Function, Lab, Vendor, VendorDependency


class LabFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    regime = ChoiceListContainsFilter(field_name="regimes", choices=Regime.choices)
    entity_type = django_filters.MultipleChoiceFilter(choices=DoraEntityType.choices)
    country = django_filters.CharFilter()
    lei = django_filters.CharFilter()

    class Meta:
        model = Lab
        fields = ["name", "slug", "regime", "entity_type", "country", "lei"]


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

    identifier = django_filters.CharFilter()
    identifier_type = django_filters.MultipleChoiceFilter(choices=IdentifierType.choices)

    class Meta:
        model = Vendor
        fields = ["name", "category", "status", "parent", "country", "lab", "identifier", "identifier_type"]


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
    contract_reference = django_filters.CharFilter()
    arrangement_type = django_filters.MultipleChoiceFilter(choices=ArrangementType.choices)
    ict_service_type = django_filters.MultipleChoiceFilter(choices=ICTServiceType.choices)
    provision_country = django_filters.CharFilter()

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
            "contract_reference",
            "arrangement_type",
            "ict_service_type",
            "provision_country",
        ]


class VendorDependencyFilterSet(FilterSet):
    vendor = ModelChoiceFilter(queryset=scoped_queryset(Vendor))
    depends_on = ModelChoiceFilter(queryset=scoped_queryset(Vendor))
    shares_data = BooleanFilter()

    class Meta:
        model = VendorDependency
        fields = ["vendor", "depends_on", "shares_data"]


class FunctionFilterSet(FilterSet):
    lab = ModelMultipleChoiceFilter(queryset=scoped_queryset(Lab))
    identifier = django_filters.CharFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")
    critical_or_important = django_filters.MultipleChoiceFilter(choices=CriticalOrImportant.choices)

    class Meta:
        model = Function
        fields = ["lab", "identifier", "name", "critical_or_important"]

"""The list pages' filters: the API's FilterSets, reused, plus what only the pages link to.

The extra filters serve the dashboard's links (a heat-map cell, a band, the overdue reviews); every
filter the API has works the same here.
"""

import django_filters

from assessments.api.score_views import BANDS
from assessments.filters import AssessmentFilterSet, FindingFilterSet
from assessments.models import Assessment
from incidents.filters import IncidentFilterSet
from vendorrisk.filters import ModelChoiceFilter, scoped_queryset
from vendors.filters import EngagementFilterSet, LabFilterSet, VendorFilterSet

from .reads import only_overdue

HHI_BANDS = [("unconcentrated", "unconcentrated"), ("moderate", "moderate"), ("high", "high")]


class VendorListFilterSet(VendorFilterSet):
    band = django_filters.MultipleChoiceFilter(field_name="score__band", choices=BANDS, label="Score band")
    impact_min = django_filters.NumberFilter(
        field_name="score__impact", lookup_expr="gte", label="Impact from"
    )
    impact_max = django_filters.NumberFilter(
        field_name="score__impact", lookup_expr="lt", label="Impact below"
    )
    likelihood_min = django_filters.NumberFilter(
        field_name="score__likelihood", lookup_expr="gte", label="Likelihood from"
    )
    likelihood_max = django_filters.NumberFilter(
        field_name="score__likelihood", lookup_expr="lt", label="Likelihood below"
    )

    class Meta(VendorFilterSet.Meta):
        fields = [*VendorFilterSet.Meta.fields, "band"]


class LabListFilterSet(LabFilterSet):
    band = django_filters.MultipleChoiceFilter(
        field_name="concentration__band", choices=HHI_BANDS, label="HHI band"
    )

    class Meta(LabFilterSet.Meta):
        fields = [*LabFilterSet.Meta.fields, "band"]


class EngagementListFilterSet(EngagementFilterSet):
    pass


class IncidentListFilterSet(IncidentFilterSet):
    pass


class AssessmentListFilterSet(AssessmentFilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Expired with no current review")

    def filter_overdue(self, qs, name, value):
        overdue = only_overdue(qs)
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))


def _assessments(request):
    # The choice labels name the vendor and questionnaire: load them with the choices, not per option.
    return scoped_queryset(Assessment)(request).select_related("vendor", "questionnaire")


class FindingListFilterSet(FindingFilterSet):
    assessment = ModelChoiceFilter(queryset=_assessments)

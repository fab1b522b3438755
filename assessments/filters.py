import django_filters
from django.utils import timezone

from vendorrisk.core.filters import (
    BooleanFilter,
    DateTimeRangeFilter,
    FilterSet,
    ModelChoiceFilter,
    ModelMultipleChoiceFilter,
    scoped_queryset,
)
from vendors.choices import Severity, VendorCategory
from vendors.filters import LabFilterSet, VendorFilterSet
from vendors.models import Vendor

from .choices import BANDS, HHI_BANDS, OPEN_FINDING_STATUSES, AssessmentStatus, FindingStatus, Rating
from .models import Assessment, Evidence, Finding, Questionnaire
from .selectors import only_overdue


class QuestionnaireFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    source = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Questionnaire
        fields = ["name", "version", "source"]


class AssessmentFilterSet(FilterSet):
    vendor = ModelMultipleChoiceFilter(queryset=scoped_queryset(Vendor))
    questionnaire = ModelChoiceFilter(queryset=scoped_queryset(Questionnaire))
    status = django_filters.MultipleChoiceFilter(choices=AssessmentStatus.choices)
    rating = django_filters.MultipleChoiceFilter(choices=Rating.choices)
    category = django_filters.MultipleChoiceFilter(
        field_name="vendor__category", choices=VendorCategory.choices
    )
    valid_until = django_filters.DateFromToRangeFilter()
    completed_at = DateTimeRangeFilter()
    current = BooleanFilter(method="filter_current", label="Completed and still valid")

    class Meta:
        model = Assessment
        fields = [
            "vendor",
            "questionnaire",
            "status",
            "rating",
            "category",
            "valid_until",
            "completed_at",
            "current",
        ]

    def filter_current(self, qs, name, value):
        today = timezone.now().date()
        current = {"status": AssessmentStatus.COMPLETED, "valid_until__gte": today}
        return qs.filter(**current) if value else qs.exclude(**current)


class FindingFilterSet(FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    assessment = ModelChoiceFilter(queryset=scoped_queryset(Assessment))
    vendor = ModelMultipleChoiceFilter(field_name="assessment__vendor", queryset=scoped_queryset(Vendor))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices)
    due_on = django_filters.DateFromToRangeFilter()
    overdue = BooleanFilter(method="filter_overdue", label="Open and past its due date")

    class Meta:
        model = Finding
        fields = ["title", "assessment", "vendor", "severity", "status", "due_on", "overdue"]

    def filter_overdue(self, qs, name, value):
        today = timezone.now().date()
        overdue = {"status__in": OPEN_FINDING_STATUSES, "due_on__lt": today}
        return qs.filter(**overdue) if value else qs.exclude(**overdue)


class EvidenceFilterSet(FilterSet):
    original_name = django_filters.CharFilter(lookup_expr="icontains")
    assessment = ModelChoiceFilter(queryset=scoped_queryset(Assessment))
    vendor = ModelMultipleChoiceFilter(field_name="assessment__vendor", queryset=scoped_queryset(Vendor))
    content_type = django_filters.CharFilter()
    expires_on = django_filters.DateFromToRangeFilter()
    expired = BooleanFilter(method="filter_expired", label="Past its expiry date")

    class Meta:
        model = Evidence
        fields = ["original_name", "assessment", "vendor", "content_type", "expires_on", "expired"]

    def filter_expired(self, qs, name, value):
        today = timezone.localdate()
        return qs.filter(expires_on__lt=today) if value else qs.exclude(expires_on__lt=today)


# --- the list pages' filters: the API's FilterSets, plus what only the pages link to ------------------
# The extra filters serve the dashboard's links (a heat-map cell, a band, the overdue reviews); every filter
# the API has works the same on the pages. The vendor and lab lists filter on their scores, so they are here.


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

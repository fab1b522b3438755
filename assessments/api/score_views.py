"""Read-only score endpoints (DESIGN.md section 4). Aggregates stay whole; per-lab terms are cut to the
caller's labs; other labs appear only as counts."""

from typing import ClassVar

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from vendorrisk.core.filters import FilterSet, StrictOrderingFilter
from vendors.selectors import lab_get, vendor_get

from .. import selectors
from ..choices import BANDS, HHI_BANDS
from ..models import VendorScore
from ..selectors import lab_concentration_dict, vendor_risk_dict


class VendorRiskSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField(required=False)
    score = serializers.FloatField()
    band = serializers.ChoiceField(choices=BANDS)
    impact = serializers.FloatField()
    likelihood = serializers.FloatField()
    lab_equivalents = serializers.FloatField()
    labs_exposed = serializers.IntegerField()
    components = serializers.DictField()
    stale = serializers.BooleanField()
    computed_at = serializers.DateTimeField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.FloatField()
    band = serializers.CharField()
    impact = serializers.FloatField()
    likelihood = serializers.FloatField()
    lab_equivalents = serializers.FloatField()
    labs_exposed = serializers.IntegerField()
    causes = serializers.ListField(child=serializers.DictField())
    cause_count = serializers.IntegerField()
    computed_at = serializers.DateTimeField()


class VendorRiskView(APIView):
    """`/api/vendors/{id}/risk/`: the vendor's score with its breakdown (per-lab terms cut to your labs)."""

    @extend_schema(responses={200: VendorRiskSerializer}, operation_id="vendors_risk_retrieve")
    def get(self, request, vendor_pk):
        vendor = vendor_get(user=request.user, pk=vendor_pk)
        row = selectors.vendor_score_row(user=request.user, vendor_id=vendor.id)
        return Response(
            vendor_risk_dict(
                request.user, row, vendor_id=vendor.id, stale=selectors.vendor_is_stale(vendor.id)
            )
        )


class VendorRiskHistoryView(APIView):
    """`/api/vendors/{id}/risk/history/`: each stored change, newest first, with its causes."""

    @extend_schema(responses={200: HistorySerializer(many=True)}, operation_id="vendors_risk_history_list")
    def get(self, request, vendor_pk):
        vendor = vendor_get(user=request.user, pk=vendor_pk)
        rows = selectors.vendor_score_history(user=request.user, vendor_id=vendor.id)[:500]
        data = [
            {
                "id": h.id,
                "score": float(h.score),
                "band": h.band,
                "impact": h.impact,
                "likelihood": h.likelihood,
                "lab_equivalents": h.lab_equivalents,
                "labs_exposed": h.labs_exposed,
                "causes": selectors.cut_causes(request.user, h.causes),
                "cause_count": h.cause_count,
                "computed_at": h.computed_at,
            }
            for h in rows
        ]
        return Response(data)


class LabViewItemSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    harm = serializers.FloatField()
    score = serializers.FloatField()
    band = serializers.ChoiceField(choices=BANDS)


class ShareSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    share = serializers.FloatField()


class LabConcentrationSerializer(serializers.Serializer):
    lab = serializers.IntegerField()
    hhi = serializers.FloatField()
    hhi_look_through = serializers.FloatField()
    band = serializers.ChoiceField(choices=HHI_BANDS)
    top_vendor = serializers.IntegerField(allow_null=True)
    top_share = serializers.FloatField(allow_null=True)
    effective_providers = serializers.FloatField(allow_null=True)
    single_point_of_failure = ShareSerializer(allow_null=True)
    groups = serializers.ListField(child=serializers.DictField())
    vendors = LabViewItemSerializer(many=True)
    stale = serializers.BooleanField()
    computed_at = serializers.DateTimeField(allow_null=True)


class LabConcentrationView(APIView):
    """`/api/labs/{id}/concentration/`: 404 for a lab outside the caller's labs."""

    @extend_schema(responses={200: LabConcentrationSerializer}, operation_id="labs_concentration_retrieve")
    def get(self, request, lab_pk):
        lab = lab_get(user=request.user, pk=lab_pk)
        row = selectors.lab_concentration_list(user=request.user).filter(lab=lab).first()
        return Response(lab_concentration_dict(lab.id, row, stale=selectors.lab_is_stale(lab.id)))


class VendorRiskFilterSet(FilterSet):
    band = django_filters.MultipleChoiceFilter(choices=BANDS)

    class Meta:
        model = VendorScore
        fields = ["band"]


class RiskVendorListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every vendor's score, highest first (then vendor id)."""

    serializer_class = VendorRiskSerializer
    filterset_class = VendorRiskFilterSet
    # Aggregates only: components, lab_harms and own_views are cut per lab, so they are never sortable.
    ordering_fields: ClassVar[dict[str, str]] = {
        "score": "score",
        "vendor": "vendor_id",
        "vendor_name": "vendor__name",
        "impact": "impact",
        "likelihood": "likelihood",
        "lab_equivalents": "lab_equivalents",
        "labs_exposed": "labs_exposed",
        "computed_at": "computed_at",
    }

    def get_queryset(self):
        user = self.request.user
        return selectors.with_lab_pairs(selectors.vendor_score_list(user=user), user)

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        data = [
            vendor_risk_dict(request.user, r, vendor_id=r.vendor_id, stale=r.stale, name=r.vendor.name)
            for r in page
        ]
        return self.get_paginated_response(data)


class SharedDependencySerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField()
    labs_reaching = serializers.IntegerField()
    via = serializers.ListField(child=serializers.IntegerField())
    stale = serializers.BooleanField()
    computed_at = serializers.DateTimeField()


class SharedDependencyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Fourth parties reached only through vendors: the hidden concentration nobody contracted for."""

    serializer_class = SharedDependencySerializer
    filter_backends: ClassVar[list] = [StrictOrderingFilter]
    # `via` is cut per lab, so it is not sortable; labs_reaching is a count over all labs.
    ordering_fields: ClassVar[dict[str, str]] = {
        "labs_reaching": "labs_reaching",
        "vendor": "vendor_id",
        "vendor_name": "vendor__name",
        "computed_at": "computed_at",
    }

    def get_queryset(self):
        return selectors.shared_dependency_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = [
            {
                "vendor": s.vendor_id,
                "vendor_name": s.vendor.name,
                "labs_reaching": s.labs_reaching,
                "via": selectors.cut_via(request.user, s),
                "stale": s.stale,
                "computed_at": s.computed_at,
            }
            for s in page
        ]
        return self.get_paginated_response(data)

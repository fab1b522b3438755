"""Reads for labs, vendors, engagements and dependencies. Scoping happens here, through `scope`."""

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .models import Engagement, Lab, Vendor, VendorDependency
from .scoping import scope


def lab_list(*, user) -> QuerySet[Lab]:
    return scope(Lab.objects.all(), user)


def lab_get(*, user, pk) -> Lab:
    return get_object_or_404(lab_list(user=user), pk=pk)


def vendor_list(*, user) -> QuerySet[Vendor]:
    return scope(Vendor.objects.select_related("parent"), user)


def vendor_get(*, user, pk) -> Vendor:
    return get_object_or_404(vendor_list(user=user), pk=pk)


def engagement_list(*, user) -> QuerySet[Engagement]:
    return scope(Engagement.objects.select_related("lab", "vendor", "owner"), user)


def engagement_get(*, user, pk) -> Engagement:
    return get_object_or_404(engagement_list(user=user), pk=pk)


def dependency_list(*, user) -> QuerySet[VendorDependency]:
    return scope(VendorDependency.objects.select_related("vendor", "depends_on"), user)


def vendor_engagement_counts(*, user, vendor_ids) -> dict[int, int]:
    """Engagements per vendor within the user's labs (for lists that show counts)."""
    rows = (
        engagement_list(user=user)
        .filter(vendor_id__in=vendor_ids)
        .values("vendor_id")
        .annotate(n=Count("id"))
    )
    return {r["vendor_id"]: r["n"] for r in rows}


def vendor_names(ids) -> dict[int, str]:
    """Vendor id -> name for these ids: one query, none when there are no ids.

    Vendors are shared knowledge (`Vendor.scope_lab_field` is None), so no user is needed to name them.
    """
    ids = set(ids)
    if not ids:
        return {}
    return dict(Vendor.objects.filter(id__in=ids).values_list("id", "name"))

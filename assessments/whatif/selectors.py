"""Reads of saved what-if plans, scoped by their lab like every lab-owned record."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from vendorrisk.core.scoping import scope

from ..models import WhatIfPlan


def what_if_plan_list(*, user) -> QuerySet[WhatIfPlan]:
    return scope(WhatIfPlan.objects.select_related("lab", "created_by"), user)


def what_if_plan_get(*, user, pk: int) -> WhatIfPlan:
    return get_object_or_404(what_if_plan_list(user=user), pk=pk)

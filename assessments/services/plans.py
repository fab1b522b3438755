"""Saved what-if plans: the one write of the planning page (the plan itself writes nothing)."""

from django.db import transaction

from vendorrisk.core.roles import PROCUREMENT_WRITERS, SECURITY_WRITERS
from vendorrisk.core.services import model_create, model_delete, model_update

from ..models import WhatIfPlan

# Who may save, change and delete a plan, on the planning page and at /api/what-if/plans/.
PLAN_SAVERS = PROCUREMENT_WRITERS | SECURITY_WRITERS


@transaction.atomic
def what_if_plan_save(
    *, actor, name: str, lab, changes: list, instance: WhatIfPlan | None = None
) -> WhatIfPlan:
    data = {"name": name, "lab": lab, "changes": changes}
    if instance is None:
        return model_create(WhatIfPlan, actor=actor, data={**data, "created_by": actor})
    plan, _ = model_update(instance, actor=actor, data=data)
    return plan


@transaction.atomic
def what_if_plan_delete(*, actor, instance: WhatIfPlan) -> None:
    model_delete(instance, actor=actor)

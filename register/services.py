"""Writes of the register: a final (non-draft) export marks the contract references it reported."""

from datetime import date

from django.db import transaction

from vendorrisk.core.audit import acting_as
from vendors.models import Engagement


@transaction.atomic
def mark_reported(*, actor, engagement_ids: list[int], on: date) -> int:
    """Set `reference_reported_on` on the exported engagements that carry a reference and were not yet
    reported; from then on only an admin may change their reference. Audited per engagement."""
    rows = list(
        Engagement.objects.select_for_update()
        .filter(id__in=engagement_ids, reference_reported_on__isnull=True)
        .exclude(contract_reference="")
    )
    with acting_as(actor):
        for engagement in rows:
            engagement.reference_reported_on = on
            engagement.save(update_fields=["reference_reported_on", "updated_at"])
    return len(rows)

"""FilterSets of the webhooks app (API and pages)."""

import django_filters

from vendorrisk.core.filters import BooleanFilter, FilterSet

from .models import Webhook, WebhookDelivery


class WebhookFilterSet(FilterSet):
    active = BooleanFilter()
    url = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Webhook
        fields = ["active", "url"]


class WebhookDeliveryFilterSet(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WebhookDelivery.Status.choices)
    event = django_filters.NumberFilter(field_name="event_id", min_value=1, max_value=2**63 - 1)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event"]

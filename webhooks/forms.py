"""The Webhooks page's form: the API's fields, event types one per line."""

from django import forms

from vendorrisk.core.bounds import BoundedDatesFormMixin
from vendorrisk.core.events import EVENT_TYPES
from vendorrisk.core.scoping import scope
from vendors.models import Lab


class WebhookForm(BoundedDatesFormMixin, forms.Form):
    url = forms.URLField(label="Target URL", max_length=500, assume_scheme="https")
    event_types = forms.CharField(
        label="Event types",
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="*",
        help_text="One per line: an exact type, `prefix.*` (e.g. incident.*) or * for all. Known types: "
        + ", ".join(sorted(EVENT_TYPES)),
    )
    labs = forms.ModelMultipleChoiceField(
        queryset=Lab.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every lab you may see, now and later.",
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["labs"].queryset = scope(Lab.objects.order_by("name"), user)

    def clean_event_types(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data["event_types"].replace(",", "\n").splitlines()
            if line.strip()
        ]

    @staticmethod
    def initial_of(webhook) -> dict:
        return {
            "url": webhook.url,
            "event_types": "\n".join(webhook.event_types),
            "labs": list(webhook.labs.all()),
            "active": webhook.active,
        }

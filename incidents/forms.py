"""Forms of the incident pages. They collect input; the incident services validate and write it."""

from django import forms

from vendorrisk.core.bounds import BoundedDatesFormMixin
from vendorrisk.core.pages import DateTimeInput
from vendors.choices import DataCategory
from vendors.models import TEXT_MAX
from vendors.selectors import vendor_list

from .choices import STATUS_ORDER, IncidentStatus, status_move_allowed
from .models import Incident


class IncidentForm(BoundedDatesFormMixin, forms.ModelForm):
    data_categories_exposed = forms.MultipleChoiceField(
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Data exposed",
    )
    source_url = forms.URLField(required=False, max_length=500, assume_scheme="https", label="Source URL")

    class Meta:
        model = Incident
        fields = [
            "vendor",
            "title",
            "severity",
            "status",
            "attack_vector",
            "data_exposure",
            "data_categories_exposed",
            "records_affected",
            "occurred_at",
            "discovered_at",
            "vendor_confirmed_at",
            "source_url",
            "description",
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "discovered_at": DateTimeInput(),
            "vendor_confirmed_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "occurred_at": "Occurred at (UTC)",
            "discovered_at": "Discovered at (UTC)",
            "vendor_confirmed_at": "Vendor confirmed at (UTC)",
        }
        help_texts = {
            "occurred_at": "When it happened, if known: exposure is judged at this time (else at discovery).",
            "vendor_confirmed_at": "Starts the regulators' clocks when no lab recorded its own awareness.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendor_list(user=user).order_by("name")
        self.fields["vendor"].label_from_instance = lambda v: v.name

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IncidentStatusForm(BoundedDatesFormMixin, forms.Form):
    status = forms.ChoiceField(choices=())
    note = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Written on the timeline with the status change.",
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label)
            for value, label in IncidentStatus.choices
            if value != current and status_move_allowed(current, value)
        ]

    @staticmethod
    def has_moves(current: str) -> bool:
        return any(v != current and status_move_allowed(current, v) for v in STATUS_ORDER)


class IncidentUpdateForm(BoundedDatesFormMixin, forms.Form):
    body = forms.CharField(
        label="Update", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )

"""Forms of the incident pages. They collect input; the incident services validate and write it."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from vendorrisk.core.bounds import BoundedDatesFormMixin
from vendorrisk.core.pages import DateTimeInput
from vendors.choices import DataCategory, Regime
from vendors.models import TEXT_MAX
from vendors.selectors import lab_list, vendor_list

from .choices import (
    STATUS_ORDER,
    Decision,
    IncidentStatus,
    NotificationStatus,
    YesNoUnknown,
    status_move_allowed,
)
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


class LabResponseForm(BoundedDatesFormMixin, forms.Form):
    """One lab's response (the API's fields), and on halt the offer to suspend its work with the vendor."""

    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    data_confirmed_exposed = forms.ChoiceField(
        choices=YesNoUnknown.choices, initial=YesNoUnknown.UNKNOWN, label="Data confirmed exposed"
    )
    aware_at = forms.DateTimeField(
        required=False,
        widget=DateTimeInput(),
        label="Aware at (UTC)",
        help_text="When the lab learned of it: starts its regulators' clocks (blank: the vendor's confirmation).",
    )
    reason = forms.CharField(
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (read only by this lab's users)",
    )
    suspend = forms.BooleanField(
        required=False,
        label="Also suspend this lab's active engagements with the vendor",
        help_text="Only with “Halt work”. You confirm the list before anything changes.",
    )
    timeline_note = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the incident timeline (every lab's users read it)",
        help_text="Written with the suspension; name no lab. Required when suspending.",
    )

    def clean(self):
        data = super().clean()
        if data.get("suspend"):
            if data.get("decision") != Decision.HALT:
                self.add_error("suspend", "Only a halt decision suspends work.")
            if not (data.get("timeline_note") or "").strip():
                self.add_error("timeline_note", "Give the note the timeline shows when work is halted.")
        return data

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("decision", "data_confirmed_exposed", "aware_at", "reason")}


class NotificationFiledForm(BoundedDatesFormMixin, forms.Form):
    submitted_at = forms.DateTimeField(widget=DateTimeInput(), label="Filed at (UTC)")
    reference = forms.CharField(
        required=False, max_length=200, label="Reference", help_text="The regulator's case or receipt number."
    )


class DeadlineFilterForm(BoundedDatesFormMixin, forms.Form):
    """The deadlines page's filters: single selects and one checkbox group (the NotificationFilterSet applies them)."""

    STATUSES = [(s, NotificationStatus(s).label) for s in ("overdue", "pending", "submitted")]

    regime = forms.ChoiceField(choices=[("", "Any regime"), *Regime.choices], required=False)
    lab = forms.ModelChoiceField(queryset=None, required=False, empty_label="All my labs")
    status = forms.MultipleChoiceField(
        choices=STATUSES, required=False, widget=forms.CheckboxSelectMultiple, label="Status"
    )
    due_within = forms.TypedChoiceField(
        choices=[("", "Any time"), ("24", "Within 24 h"), ("72", "Within 72 h"), ("168", "Within 7 days")],
        coerce=int,
        empty_value=None,
        required=False,
        label="Due",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = lab_list(user=user).order_by("name")
        self.fields["lab"].label_from_instance = lambda lab: lab.name

    def filter_data(self) -> dict:
        data = self.cleaned_data
        return {
            "regime": [data["regime"]] if data.get("regime") else [],
            "lab": [data["lab"].pk] if data.get("lab") else [],
            "status": data.get("status") or ["overdue", "pending"],
            **(
                {"due_at_before": (timezone.now() + timedelta(hours=data["due_within"])).isoformat()}
                if data.get("due_within")
                else {}
            ),
        }

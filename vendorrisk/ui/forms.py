"""Forms of the web interface. They collect input; the apps' services validate and write it.

ModelForms run the model's `clean` (the same rules the API enforces through the same services), so
field messages appear next to their fields; choices of labs are cut to the user's labs.
"""

from django import forms

from incidents.choices import STATUS_ORDER, IncidentStatus, status_move_allowed
from incidents.models import Incident
from vendorrisk.bounds import BoundedDatesFormMixin
from vendors.choices import DataCategory
from vendors.csv_import import COLUMNS as ENGAGEMENT_COLUMNS
from vendors.models import TEXT_MAX, Engagement
from vendors.selectors import lab_list, vendor_list


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EngagementForm(BoundedDatesFormMixin, forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the vendor holds of the lab's.",
    )

    class Meta:
        model = Engagement
        fields = list(ENGAGEMENT_COLUMNS)  # the same columns as the CSV import and export
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "data_disposed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "end_date": "Required once the engagement has ended.",
            "data_disposed_on": "Only on a suspended or ended engagement: the day the vendor confirmed "
            "return or deletion of the data. Until then the engagement still counts as exposure.",
            "currency": "ISO 4217, e.g. USD or EUR; required with an annual value.",
            "substitutability": "How hard it would be to replace this vendor.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = lab_list(user=user).order_by("name")
        self.fields["vendor"].queryset = vendor_list(user=user).order_by("name")
        self.fields["vendor"].label_from_instance = lambda v: v.name
        self.fields["currency"].widget.attrs.update({"maxlength": 3, "autocomplete": "off"})

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").upper()

    def service_data(self) -> dict:
        """The validated values, as the engagement services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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


class WorkChangeForm(BoundedDatesFormMixin, forms.Form):
    """Halt or resume work at a vendor (the body of the API's suspend / resume actions)."""

    reason = forms.CharField(
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Written on the vendor's open incidents.",
    )
    lab = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All my labs", help_text="Only this lab's engagements."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = lab_list(user=user).order_by("name")


class ImportUploadForm(BoundedDatesFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="UTF-8, comma-separated, with the template's header row."
    )


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


class AssessmentCreateForm(BoundedDatesFormMixin, forms.Form):
    """Start an assessment of a vendor against a questionnaire (the service validates and writes it)."""

    vendor = forms.ModelChoiceField(queryset=None)
    questionnaire = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, user, **kwargs):
        from assessments.selectors import questionnaire_list

        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendor_list(user=user).order_by("name")
        self.fields["vendor"].label_from_instance = lambda v: v.name
        self.fields["questionnaire"].queryset = questionnaire_list(user=user)


class EvidenceUploadForm(BoundedDatesFormMixin, forms.Form):
    file = forms.FileField(help_text="PDF, image, Office document or plain text; checked by its content.")
    expires_on = forms.DateField(required=False, widget=DateInput(), help_text="When the document lapses.")

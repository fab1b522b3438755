"""Forms of the vendor pages. They collect input; the vendor services validate and write it.

ModelForms run the model's `clean` (the same rules the API enforces through the same services), so field
messages appear next to their fields; choices of labs and vendors are cut to the user's labs.
"""

from django import forms

from vendorrisk.core.bounds import BoundedDatesFormMixin
from vendorrisk.core.pages import DateInput
from vendorrisk.core.roles import Role, user_role

from .choices import DataCategory
from .csv_import import COLUMNS as ENGAGEMENT_COLUMNS
from .models import TEXT_MAX, Engagement, Function
from .register_fields import FUNCTION_FIELDS
from .selectors import function_list, lab_list, vendor_list
from .validators import COUNTRY_CODES


class CountryListField(forms.CharField):
    """ISO country codes typed as `DE; FR`, kept as a list."""

    def prepare_value(self, value):
        return "; ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        parts = [p.strip().upper() for p in (value or "").replace(",", ";").split(";") if p.strip()]
        unknown = [p for p in parts if p not in COUNTRY_CODES]
        if unknown:
            raise forms.ValidationError(f"Not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)}.")
        return list(dict.fromkeys(parts))


class IdChoiceField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)

    def prepare_value(self, value):
        return [str(v) for v in value] if isinstance(value, list) else value


class EngagementForm(BoundedDatesFormMixin, forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the vendor holds of the lab's.",
    )
    functions = IdChoiceField(help_text="The lab's functions this engagement supports.")
    alternative_providers = IdChoiceField(help_text="Vendors that could replace this one.")
    data_locations_at_rest = CountryListField(required=False, help_text="ISO codes, e.g. DE; FR.")
    data_locations_processing = CountryListField(required=False, help_text="ISO codes, e.g. DE; FR.")

    class Meta:
        model = Engagement
        fields = list(ENGAGEMENT_COLUMNS)  # the same columns as the CSV import and export
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "data_disposed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "notice_period_lab_days": "Our notice period (days)",
            "notice_period_vendor_days": "Provider's notice period (days)",
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
        self.user = user
        self.fields["functions"].choices = [
            (f.id, f"{f.lab.name}: {f.identifier} {f.name}")
            for f in function_list(user=user).order_by("lab__name")
        ]
        self.fields["alternative_providers"].choices = list(
            vendor_list(user=user).order_by("name").values_list("id", "name")
        )

    def clean_contract_reference(self):
        value = self.cleaned_data.get("contract_reference") or ""
        instance = self.instance
        if (
            instance.pk
            and instance.reference_reported_on
            and value != instance.contract_reference
            and user_role(self.user) != Role.ADMIN
        ):
            raise forms.ValidationError(
                "This reference has been reported in a register of information; only an admin may change it."
            )
        return value

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").upper()

    def service_data(self) -> dict:
        """The validated values, as the engagement services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FunctionForm(BoundedDatesFormMixin, forms.ModelForm):
    """A lab's function (register template B_06.01). The model's validation is the API's (the same
    services, the identifier unique per lab); the lab is chosen among the user's labs."""

    class Meta:
        model = Function
        fields = ["lab", *FUNCTION_FIELDS]
        widgets = {"last_assessed_on": DateInput(), "reasons": forms.Textarea(attrs={"rows": 3})}
        labels = {"rto_hours": "RTO (hours)", "rpo_hours": "RPO (hours)"}
        help_texts = {
            "licensed_activity": "The EBA licensed activity the function serves (eba_TA list), if any.",
            "rto_hours": "Recovery time objective.",
            "rpo_hours": "Recovery point objective.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = lab_list(user=user).order_by("name")

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

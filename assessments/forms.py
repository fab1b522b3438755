"""Forms of the assessment pages. They collect input; the assessment services validate and write it."""

from django import forms

from vendorrisk.core.bounds import BoundedDatesFormMixin
from vendorrisk.core.pages import DateInput
from vendors.selectors import lab_list, vendor_list

from .selectors import questionnaire_list


class AssessmentCreateForm(BoundedDatesFormMixin, forms.Form):
    """Start an assessment of a vendor against a questionnaire (the service validates and writes it)."""

    vendor = forms.ModelChoiceField(queryset=None)
    questionnaire = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendor_list(user=user).order_by("name")
        self.fields["vendor"].label_from_instance = lambda v: v.name
        self.fields["questionnaire"].queryset = questionnaire_list(user=user)


class EvidenceUploadForm(BoundedDatesFormMixin, forms.Form):
    file = forms.FileField(help_text="PDF, image, Office document or plain text; checked by its content.")
    expires_on = forms.DateField(required=False, widget=DateInput(), help_text="When the document lapses.")


class PlanForm(BoundedDatesFormMixin, forms.Form):
    """The planning page: a lab, the plan's changes (the API's JSON), and the plain-words helpers that add
    changes to it. The what-if engine validates the changes themselves, like the real writes."""

    lab = forms.ModelChoiceField(
        queryset=None, help_text="The lab whose shares are charted; the plan is shared with its users."
    )
    name = forms.CharField(max_length=200, required=False, help_text="Needed to save the plan.")
    changes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "mono"}),
        help_text='A JSON list of changes, as in POST /api/what-if/, e.g. [{"op": "assess", "vendor": 3, '
        '"rating": "strong"}]. The buttons below add changes for you.',
    )
    vendor = forms.ModelChoiceField(queryset=None, required=False, label="Vendor X")
    other_vendor = forms.ModelChoiceField(queryset=None, required=False, label="Vendor Y")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = lab_list(user=user).order_by("name")
        for name in ("vendor", "other_vendor"):
            self.fields[name].queryset = vendor_list(user=user).order_by("name")
            self.fields[name].label_from_instance = lambda v: v.name

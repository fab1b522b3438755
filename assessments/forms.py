"""Forms of the assessment pages. They collect input; the assessment services validate and write it."""

from django import forms

from vendorrisk.core.bounds import BoundedDatesFormMixin
from vendorrisk.core.pages import DateInput
from vendors.selectors import vendor_list

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

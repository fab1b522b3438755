"""The register-of-information part of the vendors app: the Function model and the engagement's register rules
(DESIGN.md section 10). Kept apart from models.py, which re-exports Function."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from vendorrisk.models import TimeStampedModel

from .choices import LICENSED_ACTIVITIES, ArrangementType, CriticalOrImportant, DiscontinuationImpact

NAME_MAX = 200

# A function's own fields after its lab, in one order for the web form and the API serializer.
FUNCTION_FIELDS = (
    "identifier",
    "name",
    "licensed_activity",
    "critical_or_important",
    "reasons",
    "last_assessed_on",
    "rto_hours",
    "rpo_hours",
    "discontinuation_impact",
)


class Function(TimeStampedModel):
    """A function of a lab that ICT services support (DORA register template B_06.01)."""

    lab = models.ForeignKey("vendors.Lab", on_delete=models.PROTECT, related_name="functions")
    identifier = models.CharField(max_length=60, help_text="The lab's own id for the function, e.g. F1.")
    name = models.CharField(max_length=NAME_MAX)
    licensed_activity = models.CharField(
        max_length=10, blank=True, choices=[(c, f"eba_TA:{c}") for c in LICENSED_ACTIVITIES]
    )
    critical_or_important = models.CharField(
        max_length=20, choices=CriticalOrImportant.choices, default=CriticalOrImportant.NOT_ASSESSED
    )
    reasons = models.TextField(max_length=300, blank=True)
    last_assessed_on = models.DateField(null=True, blank=True)
    rto_hours = models.PositiveIntegerField(null=True, blank=True)
    rpo_hours = models.PositiveIntegerField(null=True, blank=True)
    discontinuation_impact = models.CharField(
        max_length=20, blank=True, choices=DiscontinuationImpact.choices
    )

    scope_lab_field = "lab"

    class Meta:
        ordering = ["lab_id", "identifier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lab", "identifier"],
                name="function_identifier_unique_per_lab",
                violation_error_message="This lab already has a function with this identifier.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    def clean(self) -> None:
        if self.last_assessed_on and self.last_assessed_on > timezone.now().date():
            raise ValidationError({"last_assessed_on": "The last assessment cannot be in the future."})

    def get_additional_data(self) -> dict:
        return {"lab": self.lab_id}


def engagement_register_errors(self) -> dict:
    """The register fields' rules for an engagement (called from `Engagement.clean`)."""
    errors = {}
    if self.arrangement_type == ArrangementType.SUBSEQUENT and not self.overarching_reference:
        errors["overarching_reference"] = "A subsequent arrangement names its overarching arrangement."
    if self.overarching_reference and self.overarching_reference == self.contract_reference:
        errors["overarching_reference"] = "An arrangement cannot be its own overarching arrangement."
    if self.data_locations_at_rest and self.stores_data is False:
        errors["data_locations_at_rest"] = "Data locations at rest need stores_data to be true."
    if self.functions and self.lab_id and isinstance(self.functions, list):
        known = set(
            Function.objects.filter(lab_id=self.lab_id, id__in=self.functions).values_list("id", flat=True)
        )
        unknown = [f for f in self.functions if f not in known]
        if unknown:
            errors["functions"] = f"Unknown function id(s) for this lab: {', '.join(map(str, unknown))}."
    if self.alternative_providers and isinstance(self.alternative_providers, list):
        ids = set(self.alternative_providers)
        known = set(
            self._meta.get_field("vendor")
            .related_model.objects.filter(id__in=ids)
            .values_list("id", flat=True)
        )
        unknown = sorted(ids - known)
        if unknown:
            errors["alternative_providers"] = f"Unknown vendor id(s): {', '.join(map(str, unknown))}."
        elif self.vendor_id in ids:
            errors["alternative_providers"] = "The engagement's own vendor is no alternative."
    return errors

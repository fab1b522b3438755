"""Labs, vendors, engagements and the vendor dependency graph (DESIGN.md section 1, vendors/)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from vendorrisk.models import TimeStampedModel

from .choices import (
    EXPOSING_AFTER_STOP,
    ArrangementType,
    Criticality,
    DataCategory,
    DataSensitivity,
    DiscontinuationImpact,
    DoraEntityType,
    EngagementStatus,
    ICTServiceType,
    IdentifierType,
    NonSubstitutableReason,
    PersonType,
    Regime,
    Reintegration,
    RelianceLevel,
    Substitutability,
    TerminationReason,
    VendorCategory,
    VendorStatus,
)
from .register_fields import Function, engagement_register_errors  # noqa: F401  (Function lives there)
from .rules import is_exposing, parent_chain
from .validators import (
    ChoiceListValidator,
    validate_country,
    validate_country_list,
    validate_currency,
    validate_id_list,
    validate_lei,
)

NAME_MAX = 200
TEXT_MAX = 10_000


def unique_slug(model, name: str, pk: int | None) -> str:
    base = (slugify(name) or "item")[:200]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class Lab(TimeStampedModel):
    name = models.CharField(max_length=NAME_MAX)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    regimes = models.JSONField(
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Regime.values)],
        help_text="Notification regimes that apply to this lab.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="labs",
        help_text="Users limited to this lab (users with all labs see it anyway).",
    )
    # Register of information (DESIGN.md section 10); all optional.
    lei = models.CharField("LEI", max_length=20, blank=True, validators=[validate_lei])
    country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    entity_type = models.CharField(max_length=40, blank=True, choices=DoraEntityType.choices)
    competent_authority = models.CharField(max_length=NAME_MAX, blank=True)
    total_assets = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    assets_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members_of_group",
        help_text="The lab group (parent undertaking) this lab belongs to.",
    )

    scope_lab_field = "id"

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="lab_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.name and Lab.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": "A lab with this name already exists."})
        if not self.slug and self.name:
            self.slug = unique_slug(Lab, self.name, self.pk)
        if self.lei and Lab.objects.filter(lei=self.lei).exclude(pk=self.pk).exists():
            raise ValidationError({"lei": "Another lab has this LEI."})
        if self.total_assets is not None and not self.assets_currency:
            raise ValidationError({"assets_currency": "Give the currency of the total assets."})
        if self.parent_id is not None:
            parents = dict(Lab.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
            parents[self.pk] = self.parent_id
            _, cycle = parent_chain(self.pk, parents.get)
            if cycle or self.parent_id == self.pk:
                raise ValidationError({"parent": "This parent would make a cycle of lab groups."})

    def get_additional_data(self) -> dict:
        return {"lab": self.pk}


class Vendor(TimeStampedModel):
    name = models.CharField(max_length=NAME_MAX)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    legal_name = models.CharField(max_length=NAME_MAX, blank=True)
    website = models.URLField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The vendor group this vendor belongs to.",
    )
    category = models.CharField(max_length=20, choices=VendorCategory.choices)
    status = models.CharField(max_length=20, choices=VendorStatus.choices, default=VendorStatus.ACTIVE)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    identifier = models.CharField(max_length=60, blank=True, help_text="LEI, EUID, VAT number, …")
    identifier_type = models.CharField(max_length=10, blank=True, choices=IdentifierType.choices)
    person_type = models.CharField(max_length=10, blank=True, choices=PersonType.choices)

    scope_lab_field = None  # shared knowledge: visible to every user

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="vendor_name_ci_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="vendor_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.name and Vendor.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": "A vendor with this name already exists."})
        if not self.slug and self.name:
            self.slug = unique_slug(Vendor, self.name, self.pk)
        if self.parent_id is not None:
            self._check_parent_cycle()
        if bool(self.identifier) != bool(self.identifier_type):
            field = "identifier_type" if self.identifier else "identifier"
            raise ValidationError({field: "Give the identifier and its type together."})
        if self.identifier_type == IdentifierType.LEI:
            try:
                validate_lei(self.identifier)
            except ValidationError as exc:
                raise ValidationError({"identifier": exc.messages}) from None

    def _check_parent_cycle(self) -> None:
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": "A vendor cannot be its own parent."})
        parents = dict(Vendor.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
        parents[self.pk] = self.parent_id  # the chain as it would be after this save
        _, cycle = parent_chain(self.pk, parents.get)
        if cycle:
            raise ValidationError({"parent": "This parent would make a cycle of vendor groups."})

    def root_id(self) -> int:
        """The ultimate parent (the vendor group's id), from this vendor's parent as it is in memory."""
        return self.id if self.parent_id is None else vendor_root(self.parent_id)


def vendor_root(vendor_id: int) -> int:
    """The ultimate parent of a vendor (its group's id), one query per step up the chain."""
    chain, _ = parent_chain(
        vendor_id, lambda pk: Vendor.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    )
    return chain[-1]


class EngagementQuerySet(models.QuerySet):
    """The exposing rule of `vendors.rules.is_exposing`, as filters."""

    def exposing(self):
        """Exposing now: active, or suspended/ended without confirmed disposal."""
        return self.exclude(status=EngagementStatus.PROPOSED).filter(
            Q(status=EngagementStatus.ACTIVE) | Q(data_disposed_on__isnull=True)
        )

    def exposing_on(self, day):
        """Exposing on `day`: started by then, not proposed, data not disposed of before that day."""
        return (
            self.filter(start_date__lte=day)
            .exclude(status=EngagementStatus.PROPOSED)
            .filter(Q(data_disposed_on__isnull=True) | Q(data_disposed_on__gte=day))
        )


# The DORA register-of-information fields of an engagement (DESIGN.md section 10), in one order for the
# API, the CSV columns and the event payloads (`reference_reported_on` is read-only, kept apart).
ENGAGEMENT_REGISTER_FIELDS = (
    "contract_reference",
    "arrangement_type",
    "overarching_reference",
    "ict_service_type",
    "functions",
    "governing_law_country",
    "notice_period_lab_days",
    "notice_period_vendor_days",
    "termination_reason",
    "provision_country",
    "stores_data",
    "data_locations_at_rest",
    "data_locations_processing",
    "reliance_level",
    "non_substitutable_reason",
    "exit_plan",
    "reintegration",
    "discontinuation_impact",
    "alternative_providers",
)


class Engagement(TimeStampedModel):
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="engagements")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="engagements")
    title = models.CharField(max_length=NAME_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=EngagementStatus.choices)
    criticality = models.CharField(max_length=20, choices=Criticality.choices)
    data_sensitivity = models.CharField(max_length=20, choices=DataSensitivity.choices)
    substitutability = models.CharField(max_length=20, choices=Substitutability.choices)
    data_categories = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(DataCategory.values)]
    )
    annual_value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    data_disposed_on = models.DateField(
        null=True, blank=True, help_text="When the vendor confirmed return or deletion of the lab's data."
    )
    notes = models.TextField(max_length=TEXT_MAX, blank=True)
    # Register of information (DESIGN.md section 10); all optional.
    contract_reference = models.CharField(max_length=100, blank=True)
    reference_reported_on = models.DateField(
        null=True, blank=True, editable=False, help_text="First reported in a register export."
    )
    arrangement_type = models.CharField(max_length=20, blank=True, choices=ArrangementType.choices)
    overarching_reference = models.CharField(max_length=100, blank=True)
    ict_service_type = models.CharField(max_length=3, blank=True, choices=ICTServiceType.choices)
    functions = models.JSONField(default=list, blank=True, validators=[validate_id_list])
    governing_law_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    notice_period_lab_days = models.PositiveIntegerField(null=True, blank=True)
    notice_period_vendor_days = models.PositiveIntegerField(null=True, blank=True)
    termination_reason = models.CharField(max_length=20, blank=True, choices=TerminationReason.choices)
    provision_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    stores_data = models.BooleanField(null=True, blank=True)
    data_locations_at_rest = models.JSONField(default=list, blank=True, validators=[validate_country_list])
    data_locations_processing = models.JSONField(default=list, blank=True, validators=[validate_country_list])
    reliance_level = models.CharField(max_length=20, blank=True, choices=RelianceLevel.choices)
    non_substitutable_reason = models.CharField(
        max_length=20,
        blank=True,
        choices=NonSubstitutableReason.choices,
        help_text="Why the vendor is not or hardly substitutable (expected when substitutability is "
        "none or difficult).",
    )
    exit_plan = models.BooleanField(null=True, blank=True)
    reintegration = models.CharField(max_length=20, blank=True, choices=Reintegration.choices)
    discontinuation_impact = models.CharField(
        max_length=20, blank=True, choices=DiscontinuationImpact.choices
    )
    alternative_providers = models.JSONField(default=list, blank=True, validators=[validate_id_list])

    scope_lab_field = "lab"

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["vendor", "status"]), models.Index(fields=["lab", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="engagement_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=EngagementStatus.ENDED) | Q(end_date__isnull=False),
                name="engagement_ended_has_end_date",
            ),
            models.CheckConstraint(
                condition=Q(data_disposed_on__isnull=True) | Q(status__in=list(EXPOSING_AFTER_STOP)),
                name="engagement_disposal_only_when_stopped",
            ),
            models.CheckConstraint(
                condition=Q(data_disposed_on__isnull=True) | Q(data_disposed_on__gte=F("start_date")),
                name="engagement_disposal_after_start",
            ),
            models.UniqueConstraint(
                fields=["contract_reference"],
                condition=~Q(contract_reference=""),
                name="engagement_contract_reference_unique",
                violation_error_message="Another engagement has this contract reference.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exposing(self) -> bool:
        return is_exposing(self.status, self.data_disposed_on)

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        if self.status == EngagementStatus.ENDED and not self.end_date:
            errors["end_date"] = "An ended engagement needs an end date."
        if self.data_disposed_on:
            if self.status not in EXPOSING_AFTER_STOP:
                errors["data_disposed_on"] = (
                    "Data disposal can be recorded only on a suspended or ended engagement."
                )
            elif self.start_date and self.data_disposed_on < self.start_date:
                errors["data_disposed_on"] = "Data disposal cannot be before the start date."
            elif self.data_disposed_on > timezone.now().date():
                errors["data_disposed_on"] = "Data disposal cannot be in the future."
        if self.annual_value is not None and not self.currency:
            errors["currency"] = "Give the currency of the annual value."
        errors.update(engagement_register_errors(self))
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict:
        return {"lab": self.lab_id}


class VendorDependency(TimeStampedModel):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="dependencies")
    depends_on = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="dependents")
    shares_data = models.BooleanField(default=True, help_text="The vendor passes lab data on to this one.")
    description = models.TextField(max_length=TEXT_MAX, blank=True)

    scope_lab_field = None

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "vendor dependencies"
        constraints = [
            models.UniqueConstraint(fields=["vendor", "depends_on"], name="vendor_dependency_unique_pair"),
            models.CheckConstraint(condition=~Q(vendor=F("depends_on")), name="vendor_dependency_no_self"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} → {self.depends_on}"

    def clean(self) -> None:
        if self.vendor_id and self.vendor_id == self.depends_on_id:
            raise ValidationError({"depends_on": "A vendor cannot depend on itself."})
        if (
            self.vendor_id
            and self.depends_on_id
            and VendorDependency.objects.filter(vendor_id=self.vendor_id, depends_on_id=self.depends_on_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"depends_on": "This dependency already exists."})


class GraphVersion(models.Model):
    """One row: a version changed, in the writing transaction, by every change of the data-sharing graph or of
    a vendor's group (vendors.dirty.bump_graph_version), so a worker knows when its cached graph is stale."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"graph version {self.version}"


class ScoreMark(models.Model):
    """A dirty mark: the score of this vendor or lab must be recomputed. The id is the sequence number."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", "Vendor"
        LAB = "lab", "Lab"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    cause = models.CharField(max_length=200)
    cause_lab_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The lab whose record changed, so history can be cut to a user's labs.",
    )
    pair_lab_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Set on a vendor mark written by an engagement change of this lab: only the (vendor, lab) "
        "pair changed, which the drain updates incrementally (assessments.incremental).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.cause}"

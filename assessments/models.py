"""Questionnaires, assessments of vendors, answers and findings (DESIGN.md section 1, assessments/)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from vendorrisk.models import TimeStampedModel
from vendors.choices import Severity
from vendors.models import NAME_MAX, TEXT_MAX, Vendor
from vendors.validators import ChoiceListValidator

from .choices import AssessmentStatus, FindingStatus, Rating, Response


class Questionnaire(TimeStampedModel):
    name = models.CharField(max_length=NAME_MAX)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=NAME_MAX, blank=True, help_text="e.g. NIST SP 800-53r5")
    description = models.TextField(max_length=TEXT_MAX, blank=True)

    scope_lab_field = None

    class Meta:
        ordering = ["name", "-version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="questionnaire_name_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Question(TimeStampedModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=50)
    domain = models.CharField(max_length=NAME_MAX, blank=True)
    text = models.TextField(max_length=TEXT_MAX)
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
    )
    position = models.PositiveIntegerField(default=0)
    condition_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependent_questions",
        help_text="The question is asked only when this question's answer is one of condition_responses.",
    )
    condition_responses = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(Response.values)]
    )

    scope_lab_field = None

    class Meta:
        ordering = ["questionnaire_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def clean(self) -> None:
        if self.condition_question_id:
            if self.condition_question_id == self.pk:
                raise ValidationError({"condition_question": "A question cannot depend on itself."})
            if self.condition_question.questionnaire_id != self.questionnaire_id:
                raise ValidationError(
                    {"condition_question": "The condition must be in the same questionnaire."}
                )
            if not self.condition_responses:
                raise ValidationError(
                    {"condition_responses": "Give the answers that make this question apply."}
                )


class Assessment(TimeStampedModel):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="assessments")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    score = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    notes = models.TextField(max_length=TEXT_MAX, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)

    scope_lab_field = None

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["vendor", "status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AssessmentStatus.COMPLETED)
                | (Q(completed_at__isnull=False) & Q(valid_until__isnull=False)),
                name="assessment_completed_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="assessment_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} — {self.questionnaire}"


class Answer(TimeStampedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    response = models.CharField(max_length=10, choices=Response.choices)
    comment = models.TextField(max_length=TEXT_MAX, blank=True)

    scope_lab_field = None

    class Meta:
        ordering = ["assessment_id", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="answer_one_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.response}"


class Finding(TimeStampedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="findings")
    title = models.CharField(max_length=NAME_MAX)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)

    scope_lab_field = None

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


# Stored scores: written only by the recompute (assessments.recompute), read by the API and the UI.


class VendorScore(models.Model):
    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, related_name="score")
    score = models.DecimalField(max_digits=4, decimal_places=1)
    band = models.CharField(max_length=10)
    impact = models.FloatField()
    likelihood = models.FloatField()
    likelihood_exact = models.FloatField(
        default=0.0, help_text="ℓ_W unrounded: the own views of an incremental update are computed from it"
    )
    lab_equivalents = models.FloatField()
    labs_exposed = models.PositiveIntegerField()
    base_likelihood = models.FloatField()
    assessment_id = models.BigIntegerField(null=True, blank=True)
    components = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    scope_lab_field = None

    class Meta:
        ordering = ["-score", "vendor_id"]
        indexes = [models.Index(fields=["-score", "vendor"]), models.Index(fields=["band"])]

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.score}"

    @property
    def likelihood_is_default(self) -> bool:
        """The likelihood is the assumed base value: no current assessment and no incident raised it."""
        return self.assessment_id is None and self.likelihood == self.base_likelihood


class VendorScoreHistory(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="score_history")
    score = models.DecimalField(max_digits=4, decimal_places=1)
    band = models.CharField(max_length=10)
    impact = models.FloatField()
    likelihood = models.FloatField()
    lab_equivalents = models.FloatField()
    labs_exposed = models.PositiveIntegerField()
    causes = models.JSONField(
        default=list, help_text='[{"cause": "incident 12 updated", "lab": null}, …] (≤ 10)'
    )
    cause_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(db_index=True)

    scope_lab_field = None

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name_plural = "vendor score history"

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.score} at {self.computed_at}"


class LabConcentration(models.Model):
    lab = models.OneToOneField("vendors.Lab", on_delete=models.CASCADE, related_name="concentration")
    hhi = models.FloatField()
    hhi_look_through = models.FloatField()
    band = models.CharField(max_length=20)
    top_vendor_id = models.BigIntegerField(null=True, blank=True)
    top_share = models.FloatField(null=True, blank=True)
    effective_providers = models.FloatField(null=True, blank=True)
    spof_vendor_id = models.BigIntegerField(null=True, blank=True)
    spof_share = models.FloatField(null=True, blank=True)
    groups = models.JSONField(
        default=dict,
        help_text='columns, one entry per reached group: {"group": [...], "exposure": [...], "share": [...], '
        '"reach_share": [...]} (see group_list)',
    )
    components = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    scope_lab_field = "lab"

    class Meta:
        ordering = ["-hhi", "lab_id"]

    def __str__(self) -> str:
        return f"{self.lab_id}: {self.hhi}"

    @property
    def group_list(self) -> list[dict]:
        """The reached groups as the API answers them: one dict per group, by root id."""
        return groups_from_columns(self.groups)


GROUP_COLUMNS = ("group", "exposure", "share", "reach_share")


def groups_to_columns(groups: list[dict]) -> dict[str, list]:
    """The scorer's group dicts as stored: one list per field (a tenth of the JSON for a large lab)."""
    return {key: [g[key] for g in groups] for key in GROUP_COLUMNS}


def groups_from_columns(columns: dict | list) -> list[dict]:
    if not columns:
        return []
    return [
        dict(zip(GROUP_COLUMNS, values, strict=True))
        for values in zip(*(columns[k] for k in GROUP_COLUMNS), strict=True)
    ]


class LabConcentrationHistory(models.Model):
    lab = models.ForeignKey("vendors.Lab", on_delete=models.CASCADE, related_name="concentration_history")
    hhi = models.FloatField()
    hhi_look_through = models.FloatField()
    band = models.CharField(max_length=20)
    top_vendor_id = models.BigIntegerField(null=True, blank=True)
    top_share = models.FloatField(null=True, blank=True)
    causes = models.JSONField(default=list)
    cause_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(db_index=True)

    scope_lab_field = "lab"

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name_plural = "lab concentration history"

    def __str__(self) -> str:
        return f"{self.lab_id}: {self.hhi} at {self.computed_at}"


class SharedDependency(models.Model):
    """A fourth party that labs reach only through their vendors (DESIGN.md section 2, item 9)."""

    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, related_name="shared_dependency")
    labs_reaching = models.PositiveIntegerField()
    via = models.JSONField(default=list, help_text="direct vendor ids it is reached through")
    computed_at = models.DateTimeField()

    scope_lab_field = None

    class Meta:
        ordering = ["-labs_reaching", "vendor_id"]
        verbose_name_plural = "shared dependencies"

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.labs_reaching} labs"


class VendorLabScore(models.Model):
    """One lab's part of one vendor's score (DESIGN.md section 2, items 3, 6 and 9), a row per lab reaching it.

    `harm` is h(L,W) unrounded: the vendor's lab-equivalents are its sum in lab order, so the incremental
    update re-sums these rows and stays bit-equal to a full rebuild. `via` (the lab's direct vendors it
    reaches W through, comma-separated ids) is set only when the lab reaches W indirectly (k ≥ 1).
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="lab_scores")
    lab = models.ForeignKey("vendors.Lab", on_delete=models.CASCADE, related_name="vendor_scores")
    harm = models.FloatField()
    harm6 = models.FloatField()
    own_score = models.FloatField()
    own_band = models.CharField(max_length=10)
    via = models.TextField(null=True, blank=True)
    via_two_groups = models.BooleanField(default=False)

    scope_lab_field = "lab"

    class Meta:
        ordering = ["vendor_id", "lab_id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "lab"], name="vendorlabscore_vendor_lab")]
        indexes = [
            # a lab's own view, highest first
            models.Index(fields=["lab", "-own_score", "-harm6", "vendor"], name="vendorlabscore_lab_view"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} × {self.lab_id}: {self.harm6}"

    @property
    def via_ids(self) -> list[int]:
        return via_ids(self.via)


def via_ids(via: str | None) -> list[int]:
    return [int(v) for v in via.split(",")] if via else []


class Evidence(TimeStampedModel):
    """A document attached to an assessment (a SOC 2 report, a policy, a pen-test letter)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="evidence")
    # Stored under a random name: the uploader's name is kept in original_name, never used as a path.
    file = models.FileField(upload_to="evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Sniffed from the content, not the name.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lab_field = None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class WhatIfPlan(TimeStampedModel):
    """A named what-if plan (DESIGN.md section 9): its changes, re-run against current data on demand.

    It belongs to a lab, so it is shared with every user who may see that lab and with nobody else.
    """

    name = models.CharField(max_length=NAME_MAX)
    lab = models.ForeignKey("vendors.Lab", on_delete=models.CASCADE, related_name="what_if_plans")
    changes = models.JSONField(default=list, help_text="The changes, in the shape of POST /api/what-if/.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lab_field = "lab"

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from .models import (
    Answer,
    Assessment,
    Evidence,
    Finding,
    LabConcentration,
    LabConcentrationHistory,
    Question,
    Questionnaire,
    SharedDependency,
    VendorLabScore,
    VendorScore,
    VendorScoreHistory,
    WhatIfPlan,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "code", "domain", "text", "weight", "condition_question", "condition_responses"]
    raw_id_fields = ["condition_question"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "source", "created_at"]
    search_fields = ["name", "source"]
    list_filter = ["source"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "questionnaire", "domain", "weight", "position"]
    list_filter = ["questionnaire", "domain"]
    search_fields = ["code", "text", "domain"]
    autocomplete_fields = ["questionnaire", "condition_question"]
    list_select_related = ["questionnaire"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["vendor", "questionnaire", "status", "score", "rating", "completed_at", "valid_until"]
    list_filter = ["status", "rating"]
    search_fields = ["vendor__name", "notes"]
    autocomplete_fields = ["vendor", "questionnaire", "assessor"]
    list_select_related = ["vendor", "questionnaire"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question", "response"]
    list_filter = ["response"]
    search_fields = ["question__code", "comment", "assessment__vendor__name"]
    autocomplete_fields = ["assessment", "question"]
    list_select_related = ["assessment__vendor", "question"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["title", "assessment", "severity", "status", "owner", "due_on"]
    list_filter = ["severity", "status"]
    search_fields = ["title", "description", "assessment__vendor__name"]
    autocomplete_fields = ["assessment", "owner"]
    list_select_related = ["assessment__vendor", "owner"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scores are written only by the recompute; the admin shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VendorScore)
class VendorScoreAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "score", "band", "impact", "likelihood", "labs_exposed", "computed_at"]
    list_filter = ["band"]
    search_fields = ["vendor__name"]
    list_select_related = ["vendor"]


@admin.register(VendorScoreHistory)
class VendorScoreHistoryAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "score", "band", "cause_count", "computed_at"]
    list_filter = ["band"]
    search_fields = ["vendor__name"]
    list_select_related = ["vendor"]


@admin.register(LabConcentration)
class LabConcentrationAdmin(ReadOnlyAdmin):
    list_display = ["lab", "hhi", "hhi_look_through", "band", "top_vendor_id", "computed_at"]
    list_filter = ["band"]
    search_fields = ["lab__name"]
    list_select_related = ["lab"]


@admin.register(LabConcentrationHistory)
class LabConcentrationHistoryAdmin(ReadOnlyAdmin):
    list_display = ["lab", "hhi", "band", "cause_count", "computed_at"]
    list_filter = ["band"]
    search_fields = ["lab__name"]
    list_select_related = ["lab"]


@admin.register(SharedDependency)
class SharedDependencyAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "labs_reaching", "computed_at"]
    search_fields = ["vendor__name"]
    list_select_related = ["vendor"]


@admin.register(VendorLabScore)
class VendorLabScoreAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "lab", "harm6", "own_score", "own_band", "via"]
    list_filter = ["own_band"]
    search_fields = ["vendor__name", "lab__name"]
    list_select_related = ["vendor", "lab"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-mostly: uploads go through the app (type and size checks); admins may review and delete."""

    list_display = [
        "original_name",
        "assessment",
        "content_type",
        "size",
        "expires_on",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["content_type"]
    search_fields = ["original_name", "sha256", "assessment__vendor__name"]
    list_select_related = ["assessment__vendor", "assessment__questionnaire", "uploaded_by"]
    readonly_fields = [
        "assessment",
        "download",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields[:7], "expires_on", *readonly_fields[7:]]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="File")
    def download(self, obj) -> str:
        # Media is never served directly: the file is fetched through the API's checked download.
        url = reverse("assessment-evidence-download", kwargs={"pk": obj.assessment_id, "evidence_id": obj.pk})
        return format_html('<a href="{}">{}</a> (stored as {})', url, obj.original_name, obj.file.name)

    def delete_model(self, request, obj) -> None:
        names = [obj.file.name]
        super().delete_model(request, obj)
        _remove_files_on_commit(names)

    def delete_queryset(self, request, queryset) -> None:
        names = list(queryset.values_list("file", flat=True))
        super().delete_queryset(request, queryset)
        _remove_files_on_commit(names)


def _remove_files_on_commit(names: list[str]) -> None:
    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove)


@admin.register(WhatIfPlan)
class WhatIfPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "lab", "created_by", "updated_at"]
    list_select_related = ["lab", "created_by"]
    search_fields = ["name"]

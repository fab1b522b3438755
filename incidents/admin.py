from django.contrib import admin

from .models import Incident, IncidentUpdate, LabResponse, Notification


class IncidentUpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0
    readonly_fields = ["created_at", "author", "status_from", "status_to"]
    fields = ["created_at", "author", "body", "status_from", "status_to"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["title", "vendor", "severity", "status", "data_exposure", "discovered_at", "source"]
    list_filter = ["severity", "status", "attack_vector", "data_exposure", "source"]
    search_fields = ["title", "vendor__name", "external_id"]
    autocomplete_fields = ["vendor", "reported_by"]
    date_hierarchy = "discovered_at"
    list_select_related = ["vendor"]
    inlines = [IncidentUpdateInline]
    # Links to the admin "Imports" page (vendorrisk/admin_imports.py, routed by QuestionnaireAdmin).
    change_list_template = "admin/imports/change_list.html"


@admin.register(IncidentUpdate)
class IncidentUpdateAdmin(admin.ModelAdmin):
    list_display = ["incident", "author", "created_at", "status_from", "status_to"]
    list_filter = ["status_to"]
    search_fields = ["body", "incident__title"]
    autocomplete_fields = ["incident", "author"]
    list_select_related = ["incident", "author"]


@admin.register(LabResponse)
class LabResponseAdmin(admin.ModelAdmin):
    list_display = ["incident", "lab", "decision", "data_confirmed_exposed", "decided_by", "decided_at"]
    list_filter = ["decision", "data_confirmed_exposed"]
    search_fields = ["incident__title", "lab__name", "reason"]
    autocomplete_fields = ["incident", "lab", "decided_by"]
    list_select_related = ["incident", "lab", "decided_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["incident", "lab", "regime", "stage", "due_at", "submitted_at", "required"]
    list_filter = ["regime", "stage", "required"]
    search_fields = ["incident__title", "lab__name", "reference"]
    autocomplete_fields = ["incident", "lab"]
    list_select_related = ["incident", "lab"]

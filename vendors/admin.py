from django.contrib import admin

from .models import Engagement, Function, GraphVersion, Lab, ScoreMark, Vendor, VendorDependency


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "regimes", "lei", "country", "entity_type", "created_at"]
    list_filter = ["entity_type", "country"]
    search_fields = ["name", "slug", "lei"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "status", "country", "parent", "created_at"]
    list_filter = ["category", "status", "country"]
    search_fields = ["name", "legal_name", "website", "identifier"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "lab",
        "vendor",
        "status",
        "criticality",
        "data_sensitivity",
        "start_date",
        "end_date",
    ]
    list_filter = ["status", "criticality", "data_sensitivity", "substitutability", "lab"]
    search_fields = ["title", "vendor__name", "lab__name", "contract_reference"]
    readonly_fields = ["reference_reported_on"]
    autocomplete_fields = ["lab", "vendor", "owner"]
    date_hierarchy = "start_date"
    list_select_related = ["lab", "vendor"]


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "lab", "critical_or_important", "last_assessed_on"]
    list_filter = ["critical_or_important", "lab"]
    search_fields = ["identifier", "name", "lab__name"]
    autocomplete_fields = ["lab"]
    list_select_related = ["lab"]


@admin.register(VendorDependency)
class VendorDependencyAdmin(admin.ModelAdmin):
    list_display = ["vendor", "depends_on", "shares_data", "created_at"]
    list_filter = ["shares_data"]
    search_fields = ["vendor__name", "depends_on__name"]
    autocomplete_fields = ["vendor", "depends_on"]
    list_select_related = ["vendor", "depends_on"]


@admin.register(ScoreMark)
class ScoreMarkAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "object_id", "cause", "created_at"]
    list_filter = ["kind"]
    search_fields = ["cause"]


@admin.register(GraphVersion)
class GraphVersionAdmin(admin.ModelAdmin):
    """Read-only: the version is changed by the graph writes themselves (vendors.dirty)."""

    list_display = ["id", "version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

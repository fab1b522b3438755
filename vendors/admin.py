from django.contrib import admin

from .models import Engagement, Lab, ScoreMark, Vendor, VendorDependency


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "regimes", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "status", "country", "parent", "created_at"]
    list_filter = ["category", "status", "country"]
    search_fields = ["name", "legal_name", "website"]
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
    search_fields = ["title", "vendor__name", "lab__name"]
    autocomplete_fields = ["lab", "vendor", "owner"]
    date_hierarchy = "start_date"
    list_select_related = ["lab", "vendor"]


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

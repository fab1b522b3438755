from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError

from assessments.admin import QuestionnaireAdmin
from assessments.models import Questionnaire
from vendors.models import Lab

from . import admin_imports
from .core.accounts import check_access_change
from .models import Event, EventLab, User


class UserAdminForm(UserChangeForm):
    """Django's change form (the password shown read-only, as a hash summary) plus the lab limits."""

    labs = forms.ModelMultipleChoiceField(
        queryset=Lab.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("labs", is_stacked=False),
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = ["username", "password", "first_name", "last_name", "email", "role", "all_labs", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["labs"].initial = self.instance.labs.all()

    actor = None  # the signed-in admin, set by UserAdmin.get_form

    def clean(self):
        data = check_lab_limits(self, super().clean())
        if self.instance.pk and "role" in data and "is_active" in data:
            try:
                check_access_change(
                    actor=self.actor, instance=self.instance, role=data["role"], is_active=data["is_active"]
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return data


def check_lab_limits(form, data):
    role, all_labs, labs = data.get("role"), data.get("all_labs"), data.get("labs")
    if role and role != "admin" and not all_labs and not labs:
        form.add_error("labs", "A non-admin user needs all labs or at least one lab.")
    return data


class UserAdminAddForm(AdminUserCreationForm):
    labs = forms.ModelMultipleChoiceField(
        queryset=Lab.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("labs", is_stacked=False),
    )

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "role", "all_labs"]

    def clean(self):
        return check_lab_limits(self, super().clean())


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    add_form = UserAdminAddForm
    list_display = ["username", "email", "role", "all_labs", "is_active", "last_login"]
    list_filter = ["role", "all_labs", "is_active"]
    search_fields = ["username", "email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email"]}),
        ("Access", {"fields": ["role", "all_labs", "labs", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "all_labs",
                    "labs",
                ],
            },
        )
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_deleted_objects(self, objs, request):
        """Nobody deletes their own account (the same rule as the API's `user_delete`): the delete page and
        the bulk action list it as something they may not delete, and delete nothing."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(obj.pk == request.user.pk for obj in objs):
            perms_needed = {*perms_needed, "your own account"}
        return deleted, counts, perms_needed, protected

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "labs" in form.cleaned_data:
            form.instance.labs.set(form.cleaned_data["labs"])


admin.site.unregister(Questionnaire)


@admin.register(Questionnaire)
class QuestionnaireWithImportsAdmin(QuestionnaireAdmin):
    """The questionnaires' admin plus the "Imports" page (all five import kinds), which its changelist links
    to. The shell adds it because imports write into every app (assessments.admin is registered first: it is
    imported above).
    """

    change_list_template = "admin/imports/change_list.html"

    def get_urls(self):
        return admin_imports.import_urls(self) + super().get_urls()


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The outbox, read-only: events are appended by the services and never edited."""

    list_display = ["id", "type", "occurred_at", "object_type", "object_id", "labs", "dispatched_at"]
    list_filter = ["type"]
    search_fields = ["type", "object_type"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EventLab)
class EventLabAdmin(admin.ModelAdmin):
    list_display = ["event", "lab_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

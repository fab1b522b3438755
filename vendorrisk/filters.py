"""Filter building blocks shared by every app's FilterSets (API, UI and selectors use the same ones)."""

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from vendors.scoping import scope


def scoped_queryset(model):
    """A queryset callable for choice filters: only what the requesting user may see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return scope(model.objects.all(), request.user)

    return queryset


MAX_ID = 2**63 - 1


def _check_ids(values) -> None:
    for value in values if isinstance(values, list | tuple) else [values]:
        if value in (None, ""):
            continue
        try:
            number = int(str(value))
        except ValueError:
            continue  # the model field reports it
        if not 1 <= number <= MAX_ID:
            raise ValidationError("Select a valid choice. That choice is not one of the available choices.")


class IdMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        _check_ids(value)
        return super().clean(value)


class IdChoiceField(django_filters.fields.ModelChoiceField):
    def clean(self, value):
        _check_ids(value)
        return super().clean(value)


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Ids outside the 64-bit range are an invalid choice (a 400), not a database error."""

    field_class = IdMultipleChoiceField


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


class StrictNullBooleanField(forms.NullBooleanField):
    """true/false (or 1/0, yes/no); anything else is an error, not a silently ignored filter."""

    widget = forms.TextInput  # the default select widget maps unknown values to None before we see them

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise ValidationError("Enter true or false.")

    def validate(self, value) -> None:
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class UTCIsoDateTimeRangeField(django_filters.fields.IsoDateTimeRangeField):
    """ISO datetimes with any UTC offset, compared in UTC (PostgreSQL rejects offsets beyond ±15:59)."""

    def compress(self, data_list):
        if data_list:
            data_list = [value.astimezone(UTC) if value is not None else None for value in data_list]
        return super().compress(data_list)


class DateTimeRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    field_class = UTCIsoDateTimeRangeField


class ChoiceListContainsFilter(django_filters.MultipleChoiceFilter):
    """Rows whose JSON list field contains any of the given values (portable: SQLite and PostgreSQL)."""

    def filter(self, qs, value):
        if not value:
            return qs
        q = Q()
        for v in value:
            q |= Q(**{f"{self.field_name}__icontains": f'"{v}"'})
        return qs.filter(q)

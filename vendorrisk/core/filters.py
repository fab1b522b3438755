"""Filter building blocks shared by every app's FilterSets (API, UI and selectors use the same ones)."""

from collections.abc import Mapping
from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from vendorrisk.core.bounds import MAX_ID, MAX_NUMBER, bound_date_field
from vendorrisk.core.scoping import scope


def scoped_queryset(model):
    """A queryset callable for choice filters: only what the requesting user may see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return scope(model.objects.all(), request.user)

    return queryset


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


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


@extend_schema_field(ID_SCHEMA)
class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Ids outside the 64-bit range are an invalid choice (a 400), not a database error."""

    field_class = IdMultipleChoiceField


@extend_schema_field(ID_SCHEMA)
class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """An integer id (1 … 2^63-1) compared with an id column that is not a foreign key (audit object ids)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER})
class IntegerFilter(django_filters.NumberFilter):
    """A whole number: `version=0.5` is a 400, not a silently widened comparison."""

    field_class = forms.IntegerField


class FilterSet(django_filters.FilterSet):
    """Every FilterSet's base: each filter's form field is range-checked in this one place.

    Dates and datetimes (range halves included) take the shared year bound (`vendorrisk.core.bounds`); numbers
    are within ±(2^63-1) (SQLite overflows beyond); a model choice must be one of the id-checked fields
    above, so an id beyond 64 bits is an invalid choice, never a database error.
    """

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is django_filters.NumberFilter and isinstance(field, models.IntegerField):
            filter_class = IntegerFilter
        elif filter_class is django_filters.BooleanFilter:
            filter_class = BooleanFilter  # true/false only: "null" is an error, not "any"
        return filter_class, params

    def get_form_class(self):
        form_class = super().get_form_class()
        for name, field in form_class.base_fields.items():
            bound_date_field(field)
            if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
                _bound_number(field)
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, IdChoiceField | IdMultipleChoiceField
            ):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{name}: use vendorrisk.core.filters.ModelChoiceFilter or "
                    "ModelMultipleChoiceFilter, which check the id's range before querying."
                )
        return form_class


_NUMBER_BOUNDS = (MinValueValidator(-MAX_NUMBER), MaxValueValidator(MAX_NUMBER))


def _bound_number(field) -> None:
    for validator in _NUMBER_BOUNDS:
        if validator not in field.validators:
            field.validators.append(validator)


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
    """ISO datetimes with any UTC offset, compared in UTC (PostgreSQL rejects offsets beyond ±15:59).

    Each half carries the year bound (FilterSet below), so the conversion cannot overflow.
    """

    def compress(self, data_list):
        if data_list:
            try:
                data_list = [value.astimezone(UTC) if value is not None else None for value in data_list]
            except OverflowError:
                raise ValidationError("Enter a valid date/time.", code="invalid")
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


class StrictDjangoFilterBackend(DjangoFilterBackend):
    """The API's filters: a typed parameter (id, number, date, boolean, choice) given blank is a 400.

    The web pages share the FilterSets and send empty inputs for unused filters, so blank stays "no
    filter" there; the API's schema types these parameters, and "" is none of them.
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {}
        for name, field in filterset.form.fields.items():
            if isinstance(field, forms.CharField):
                continue  # free text: blank is a value
            suffixes = getattr(field.widget, "suffixes", None)
            params = [f"{name}_{suffix}" if suffix else name for suffix in suffixes] if suffixes else [name]
            for param in params:
                if "" in [value.strip() for value in request.query_params.getlist(param)]:
                    errors[param] = ["This parameter may not be blank."]
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` from the view's explicit allow-list only; anything else is a 400 naming the choices.

    A view declares `ordering_fields` as a list of field names or a mapping {public name: ORM lookup}
    (e.g. `{"vendor_name": "vendor__name"}`). There is no default and no "__all__": a stored field that
    is cut per lab (per-lab terms, paths, causes) must never be sortable, because the order alone would
    rank what other labs depend on. Results end with the primary key so pages are stable.
    """

    @staticmethod
    def declared_fields(view) -> dict[str, str]:
        fields = getattr(view, "ordering_fields", None)
        if fields is None or isinstance(fields, str):
            raise ImproperlyConfigured(
                f"{type(view).__name__} must declare ordering_fields as an explicit list or mapping."
            )
        if isinstance(fields, Mapping):
            return dict(fields)
        return {name: name for name in fields}

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in self.declared_fields(view)]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        if not raw.strip():
            raise exceptions.ValidationError({self.ordering_param: ["This parameter may not be blank."]})
        declared = self.declared_fields(view)
        terms = [term.strip() for term in raw.split(",")]
        unknown = [term for term in terms if term.removeprefix("-") not in declared]
        if unknown:
            allowed = ", ".join(sorted(declared))
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(repr(t) for t in unknown)}. "
                        f"Allowed: {allowed} (prefix with - for descending)."
                    ]
                }
            )
        ordering = [
            ("-" if term.startswith("-") else "") + declared[term.removeprefix("-")] for term in terms
        ]
        if not any(term.removeprefix("-") in ("pk", "id") for term in ordering):
            ordering.append("pk")
        return ordering

    def get_schema_operation_parameters(self, view):
        names = sorted(self.declared_fields(view))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by these fields, comma-separated; prefix a field with - for descending.",
                "style": "form",
                "explode": False,
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": [p + n for n in names for p in ("", "-")]},
                },
            }
        ]

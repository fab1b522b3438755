"""Base classes for the thin API layer: viewsets read through selectors and write through services."""

from collections.abc import Mapping
from typing import ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from vendorrisk.core.bounds import check_date_bounds, check_strict_url, safe_uri
from vendorrisk.core.scoping import scope, user_visible_users, visible_username

from .roles import ADMIN_ONLY


class _DateBounds:
    """The shared year bound (`vendorrisk.core.bounds`): out of range, or overflowing on conversion, is a 400."""

    def to_internal_value(self, value):
        try:
            result = super().to_internal_value(value)
            check_date_bounds(result)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DD")
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages)
        return result


class BoundedDateField(_DateBounds, serializers.DateField):
    """Every writable date of the API: years 1900–2200."""


class BoundedDateTimeField(_DateBounds, serializers.DateTimeField):
    """Every writable datetime of the API: years 1900–2200 (in UTC too)."""


class StrictURLField(serializers.URLField):
    """A URL of RFC 3986 characters only (the schema's `uri` format); a stored one is sent percent-encoded."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            check_strict_url(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages)
        return value

    def to_representation(self, value):
        return safe_uri(super().to_representation(value))


# The API's base serializers. (Comments, not docstrings: drf-spectacular would show an inherited docstring
# as the description of every component that has none of its own.)
#
# StrictTypesMixin: a JSON body's values have the schema's types — a string for text (0 for `description`
# is a 400, not "0"), true/false for a boolean (not 0), a number for an integer or an id (not "5"); a typed
# field (date, number, choice) sent as "" is a 400 too, multipart included (where DRF would drop it).
_JSON_TYPES = (
    (serializers.CharField, (str,)),
    (serializers.BooleanField, (bool,)),
    (serializers.IntegerField, (int,)),
    (serializers.FloatField, (int, float)),
    (serializers.PrimaryKeyRelatedField, (int,)),
)
_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", float: "a number"}


class StrictTypesMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            json_body = not isinstance(data, QueryDict)
            errors = {}
            for field in self._writable_fields:
                if field.field_name not in data or data[field.field_name] is None:
                    continue
                value = data[field.field_name]
                wanted = next((types for kind, types in _JSON_TYPES if isinstance(field, kind)), None)
                if (
                    json_body
                    and wanted
                    and (not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted))
                ):
                    errors[field.field_name] = [f"Must be {_TYPE_NAMES[wanted[-1]]}."]
                elif (
                    value == ""
                    and not isinstance(field, serializers.CharField | serializers.FileField)
                    and not getattr(field, "allow_blank", False)
                ):
                    errors[field.field_name] = ["This field may not be blank."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(StrictTypesMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictTypesMixin, serializers.ModelSerializer):
    # Model dates and datetimes become the bounded fields, URLs the strict one.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: BoundedDateField,
        models.DateTimeField: BoundedDateTimeField,
        models.URLField: StrictURLField,
    }


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are cut to the caller's scope: out of scope reads as "does not exist"."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return scope(queryset, request.user if request else None)


class VisibleUserField(serializers.PrimaryKeyRelatedField):
    """A user (owner, assessor) chosen among the users the caller may see: another's reads as unknown.

    Whether the user may also see the object's lab is the service's rule (same message, see
    `vendorrisk.core.accounts.unknown_user_error`).
    """

    def __init__(self, **kwargs):
        from django.contrib.auth import get_user_model

        kwargs.setdefault("queryset", get_user_model().objects.all())
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return user_visible_users(request.user if request else None)


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class VisibleUsernameField(serializers.ReadOnlyField):
    """A user's username (`owner_name`), null when empty or when the caller may not see that user."""

    def __init__(self, source: str, **kwargs):
        kwargs["source"] = "*"
        self.relation = source
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        return visible_username(request.user if request else None, getattr(value, self.relation, None))


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class RelatedNameField(serializers.ReadOnlyField):
    """A related object's display name beside its id (`vendor_name`), null when the relation is empty.

    Unlike CharField(source="owner.username", default=None), it is present in PATCH responses too.
    """

    def __init__(self, path: str, **kwargs):
        self.path = path.split(".")
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, value):
        for part in self.path:
            value = getattr(value, part, None)
            if value is None:
                return None
        return value() if callable(value) else value


class ChoiceListField(serializers.ListField):
    """A list of distinct values of one TextChoices."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("allow_empty", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", len(choices))
        super().__init__(child=serializers.ChoiceField(choices=choices), **kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError("Values must not repeat.")
        return values


class ServiceModelViewSet(viewsets.ModelViewSet):
    """CRUD where reads come from `list_selector(user=…)` and writes call the app's services.

    Subclasses declare `list_selector`, `create_service`, `update_service`, `delete_service` and
    `write_roles`; everything else (filters, search, ordering, pagination, errors) is shared.
    """

    list_selector = None
    create_service = None
    update_service = None
    delete_service = None
    write_roles: ClassVar[frozenset] = ADMIN_ONLY
    http_method_names: ClassVar[list[str]] = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return type(self).list_selector(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            actor=self.request.user, instance=serializer.instance, **serializer.validated_data
        )

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        type(self).delete_service(actor=request.user, instance=instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadUpdateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """For system-created rows that users may only amend (e.g. notifications)."""

    list_selector = None
    update_service = None
    write_roles: ClassVar[frozenset] = ADMIN_ONLY

    def get_queryset(self):
        return type(self).list_selector(user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            actor=self.request.user, instance=serializer.instance, **serializer.validated_data
        )

"""OpenAPI: every operation documents the error statuses the API can answer."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """Field name → list of messages (`non_field_errors` for the object as a whole)."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        ref_name = None


def _error(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra: dict[str, OpenApiResponse] = {}
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            extra["401"] = _error("Not signed in, or the token is invalid or expired.")
            extra["403"] = _error("Your role may not do this.")
        extra["429"] = _error("Too many requests; retry after the time in Retry-After.")
        if "{" in self.path:
            extra["404"] = _error("Not found, or outside your labs.")
        # Lists, nested ones included (/incidents/{id}/responses/), take filters and pages.
        # Paginated plain API views (no viewset action) page and filter like the lists.
        paged = not isinstance(self.view, GenericAPIView) and getattr(self.view, "pagination_class", None)
        if self.method == "GET" and (getattr(self.view, "action", None) == "list" or paged):
            extra["400"] = _error("An invalid filter or page parameter.", OpenApiTypes.OBJECT)
            extra.setdefault("404", _error("Invalid page."))
        if self.method in ("POST", "PUT", "PATCH"):
            extra["400"] = _error("Invalid input: field name → messages.", OpenApiTypes.OBJECT)
            extra["413"] = _error("The request body is too large.")
            extra["409"] = _error("The change conflicts with the object's state.")
        if self.method == "DELETE":
            extra["409"] = _error("Still in use: the body lists what blocks the delete.")
        for code, resp in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(resp, code, direction=direction)
        # gunicorn refuses a request line (method, path and query) over 4094 bytes before the app sees it,
        # with its own HTML page.
        responses.setdefault(
            "414",
            {
                "description": "The URL with its query string is too long (the server's own HTML page).",
                "content": {"text/html": {"schema": {"type": "string"}}},
            },
        )
        return responses

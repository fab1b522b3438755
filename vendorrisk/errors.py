"""One error vocabulary for services, and one handler that turns every error into JSON."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """An illegal state change (HTTP 409). `extra` is added to the JSON body (e.g. the blockers)."""

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def validation_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": exc.messages}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, ProtectedError | RestrictedError):
        return Response({"detail": "This object is still in use."}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, RequestDataTooBig):
        return Response({"detail": "The request body is too large."}, status=413)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response({"detail": "Internal error. It has been logged."}, status=500)
    if response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response.data, list):
        # Errors are always an object: a list-shaped body (a list item's errors, a query-parameter
        # check) is named, so clients and the schema see one shape.
        key = "items" if any(isinstance(item, dict) for item in response.data) else "non_field_errors"
        response.data = {key: response.data}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def json_or_template(status_code: int, detail: str, template: str):
    def view(request, exception=None):
        if _is_api(request):
            return JsonResponse({"detail": detail}, status=status_code)
        from django.shortcuts import render

        return render(request, template, {"detail": detail}, status=status_code)

    return view


handler400 = json_or_template(400, "Bad request.", "errors/400.html")
handler403 = json_or_template(403, "You do not have permission to perform this action.", "errors/403.html")
handler404 = json_or_template(404, "Not found.", "errors/404.html")
handler500 = json_or_template(500, "Internal error. It has been logged.", "errors/500.html")

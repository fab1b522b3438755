"""One error vocabulary for services, and one handler that turns every error into JSON."""

import logging
import re

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from django.db.models import F, ProtectedError, RestrictedError
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


# --- unique-constraint races ------------------------------------------------------------------------
# Validation checks uniqueness before saving, but two writers can both pass the check; the database's
# constraint then refuses the second. These helpers name the constraint from the error and turn it
# into the same field error the check would have given, using the model's own constraint metadata.

_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: (?P<cols>[\w.]+(?:, [\w.]+)*)")
_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '(?P<name>[^']+)'")
_PG_KEY = re.compile(r"Key \((?P<cols>[^)]*?)\)=")


def _violation(exc: IntegrityError) -> tuple[str | None, frozenset[str]]:
    """(constraint or index name, {column, …}) of a unique violation, as far as the backend says."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL (psycopg)
        if getattr(diag, "sqlstate", None) not in (None, "23505"):
            return None, frozenset()
        match = _PG_KEY.search(getattr(diag, "message_detail", None) or "")
        cols = frozenset(c.strip().strip('"') for c in match["cols"].split(",")) if match else frozenset()
        return getattr(diag, "constraint_name", None), cols
    text = str(exc)
    if match := _SQLITE_INDEX.search(text):
        return match["name"], frozenset()
    if match := _SQLITE_COLUMNS.search(text):
        return None, frozenset(c.rsplit(".", 1)[-1] for c in match["cols"].split(", "))
    return None, frozenset()


def _expression_fields(expression) -> list[str]:
    if isinstance(expression, F):
        return [expression.name]
    found = []
    for source in getattr(expression, "get_source_expressions", list)():
        found += _expression_fields(source)
    return found


def _unique_sets(model) -> list[tuple[str | None, list[str]]]:
    """Every unique rule of `model`: (constraint name or None, [field names])."""
    sets = []
    for constraint in model._meta.total_unique_constraints + [
        c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.expressions
    ]:
        fields = list(constraint.fields) or [
            name for expr in constraint.expressions for name in _expression_fields(expr)
        ]
        sets.append((constraint.name, fields))
    for constraint in model._meta.constraints:  # conditional ones (total_unique_constraints leaves them)
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None:
            sets.append((constraint.name, list(constraint.fields)))
    sets += [
        (None, [field.name]) for field in model._meta.local_fields if field.unique and not field.primary_key
    ]
    sets += [(None, list(together)) for together in model._meta.unique_together]
    return sets


def _columns(model, fields: list[str]) -> frozenset[str]:
    return frozenset(model._meta.get_field(name).column for name in fields)


def unique_violation_fields(exc: IntegrityError, model) -> list[str] | None:
    """The fields of the unique rule of `model` that `exc` reports as violated, or None."""
    name, cols = _violation(exc)
    if name is None and not cols:
        return None
    for constraint_name, fields in _unique_sets(model):
        if (name and name == constraint_name) or (cols and cols == _columns(model, fields)):
            return fields
    if cols:  # PostgreSQL names a field's own unique index itself (<table>_<column>_key)
        for _constraint, fields in _unique_sets(model):
            if _columns(model, fields) <= cols:
                return fields
    return None


def unique_violation_error(exc: IntegrityError, model) -> DjangoValidationError | None:
    """A field error for a unique rule of `model` that the database refused, or None if it was not one.

    The field named is the rule's last field: the one a client varies (`depends_on` of a dependency pair,
    `lab` of an incident's response); a rule on an expression (`Lower("name")`) names its field.
    """
    fields = unique_violation_fields(exc, model)
    if not fields:
        return None
    return DjangoValidationError({fields[-1]: unique_violation_message(model, fields)}, code="unique")


def unique_errors_on_fields(exc: DjangoValidationError, model) -> DjangoValidationError:
    """`exc` with the model's unique-rule errors moved from non_field_errors to the rule's field.

    Django reports a multi-field or expression unique rule (`UniqueConstraint(fields=[…])`,
    `UniqueConstraint(Lower("name"))`) as a non-field error; the API names the field, as it does when the
    database refuses a racing writer (`unique_violation_error`).
    """
    if not hasattr(exc, "error_dict") or NON_FIELD_ERRORS not in exc.error_dict:
        return exc
    by_name = {name: fields for name, fields in _unique_sets(model) if name}
    # An expression or conditional rule's error carries only its message ("Constraint “x” is violated.").
    by_message = {
        str(constraint.get_violation_error_message()): by_name[constraint.name]
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.name in by_name
    }
    errors = {field: list(errs) for field, errs in exc.error_dict.items() if field != NON_FIELD_ERRORS}
    kept = []
    for error in exc.error_dict[NON_FIELD_ERRORS]:
        params = error.params or {}
        fields = None
        if error.code == "unique_together" and params.get("unique_check"):
            fields = list(params["unique_check"])
        elif error.message in by_message:
            fields = by_message[error.message]
        if not fields:
            kept.append(error)
            continue
        message = unique_violation_message(model, fields)
        errors.setdefault(fields[-1], []).append(DjangoValidationError(message, code="unique"))
    if kept:
        errors[NON_FIELD_ERRORS] = kept
    return DjangoValidationError(errors)


def unique_violation_message(model, fields: list[str]) -> str:
    opts = model._meta
    labels = " and ".join(str(opts.get_field(name).verbose_name) for name in fields)
    article = "An" if str(opts.verbose_name)[:1].lower() in "aeiou" else "A"
    return f"{article} {opts.verbose_name} with this {labels} already exists."


def _table(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None:
        return getattr(diag, "table_name", None)
    match = _SQLITE_COLUMNS.search(str(exc))
    return match["cols"].split(", ")[0].rsplit(".", 1)[0] if match and "." in match["cols"] else None


def integrity_error_detail(exc: IntegrityError) -> dict | None:
    """The field error for a unique violation of any of the project's models (the handler's fallback,
    for writes that do not go through `services.save_checked`)."""
    table, (name, _cols) = _table(exc), _violation(exc)
    for model in apps.get_models():
        if model._meta.db_table != table and not (
            name and any(name == constraint.name for constraint in model._meta.constraints)
        ):
            continue
        error = unique_violation_error(exc, model)
        if error is not None:
            return validation_error_detail(error)
    return None


def api_exception_handler(exc, context):
    if isinstance(exc, IntegrityError):
        detail = integrity_error_detail(exc)
        if detail is not None:
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        logger.warning("Integrity error answered as a conflict", exc_info=exc)
        return Response(
            {"detail": "The change conflicts with a concurrent change. Reload and try again."},
            status=status.HTTP_409_CONFLICT,
        )
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

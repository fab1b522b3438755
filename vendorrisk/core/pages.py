"""Shared pieces of the web pages of every app: role checks, filtered/sorted/paginated lists, form errors,
the browser's date inputs. Imports no app."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.roles import has_role

PAGE_SIZE = 50


def require_roles(roles) -> Callable:
    """Signed in (else the login page), and one of `roles` (else 403): the server's check behind the buttons."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def fragment(view) -> Callable:
    """A polled htmx fragment: signed out, tell htmx to load the sign-in page instead of swapping it in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                return HttpResponse(status=204, headers={"HX-Redirect": f"{settings.LOGIN_URL}?next=/"})
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


@dataclass
class Listing:
    """A filtered, searched, sorted page of a queryset, and what the template needs to show the controls."""

    filterset: object
    page: Page
    sort: str
    search: str

    @property
    def rows(self):
        return self.page.object_list


def listing(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    filterset_class,
    sorts: Mapping[str, str],
    default_sort: str,
    search_fields: tuple[str, ...] = (),
    page_size: int = PAGE_SIZE,
) -> Listing:
    """The list pages' one recipe: the API's FilterSet, `q` search, `sort` from an allow-list, 50 a page.

    Invalid filters show their errors on the form and list nothing (never a 500, never a guess).
    """
    params = request.GET.copy()
    search = params.pop("q", [""])[-1].strip()
    sort = params.pop("sort", [default_sort])[-1]
    params.pop("page", None)
    filterset = filterset_class(params, queryset=queryset, request=request)
    label_range_inputs(filterset.form)
    simplify_filters(filterset, search_fields)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    if search and search_fields:
        condition = Q()
        for field in search_fields:
            condition |= Q(**{f"{field}__icontains": search})
        rows = rows.filter(condition)
    if sort.lstrip("-") not in sorts:
        sort = default_sort
    field = sorts[sort.lstrip("-")]
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    rows = rows.order_by(order, "id")
    paginator = Paginator(rows, page_size)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(filterset=filterset, page=page, sort=sort, search=search)


class AnyOneSelect(forms.Select):
    """A multiple-choice filter shown as one plain select ("Any" or one value): no ctrl-click. It still
    reads every value given in the URL, so links that carry several keep working."""

    def use_required_attribute(self, initial) -> bool:
        return False  # a filter is never required (and asking would read the choices a second time)

    def value_from_datadict(self, data, files, name):
        return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else data.get(name)

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        blank = self.create_option(name, "", "Any", not value, 0, attrs=attrs)
        return [(None, [blank], 0), *groups]


CHECKBOX_LIMIT = 8


def simplify_filters(filterset, search_fields: tuple[str, ...]) -> None:
    """The list pages' filter form: one search box (the `icontains` filters it covers are dropped), and
    multiple choices as a checkbox group (a few fixed values) or a single select (longer lists)."""
    form = filterset.form
    for name in list(form.fields):
        spec = filterset.filters.get(name)
        if name in search_fields and getattr(spec, "lookup_expr", "") == "icontains":
            del form.fields[name]
    for field in form.fields.values():
        widget = field.widget
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            field.empty_label = "Any"
        if not isinstance(widget, forms.SelectMultiple) or isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        fixed = isinstance(field, forms.MultipleChoiceField) and not hasattr(field, "queryset")
        if fixed and len(field.choices) <= CHECKBOX_LIMIT:
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        else:
            field.widget = AnyOneSelect(choices=field.widget.choices)


def label_range_inputs(form) -> None:
    """Range filters render two inputs under one legend: name each, and use the browser's date picker."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.MultiWidget) and len(widget.widgets) == 2:
            is_date = (
                isinstance(field, forms.DateField | forms.MultiValueField) and "Date" in type(field).__name__
            )
            for sub, word in zip(widget.widgets, ("from", "to"), strict=True):
                sub.attrs["aria-label"] = f"{field.label or ''} {word}".strip()
                sub.attrs["placeholder"] = word
                if is_date and "IsoDateTime" not in type(field).__name__:
                    sub.input_type = "date"


def add_service_errors(form, exc: Exception) -> None:
    """Put a service's ValidationError / ApplicationError on the form, each message at its field."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        return
    assert isinstance(exc, ValidationError)
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for error in errors:
            form.add_error(target, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)

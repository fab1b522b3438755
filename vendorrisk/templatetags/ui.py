"""Template helpers for the web interface: roles, bands, numbers, times and query strings."""

import datetime as dt
import re

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from vendorrisk.core import glossary
from vendorrisk.core.roles import ADMIN_ONLY, PROCUREMENT_WRITERS, SECURITY_WRITERS, has_role
from vendorrisk.core.scoping import visible_username

register = template.Library()

ROLE_SETS = {"procurement": PROCUREMENT_WRITERS, "security": SECURITY_WRITERS, "admin": ADMIN_ONLY}


@register.filter
def can(user, what: str) -> bool:
    """`user|can:"procurement"`: whether the user's role may do procurement's (or security's…) writes.

    Only decides which buttons to show; every view checks the role again on the server.
    """
    return has_role(user, ROLE_SETS[what])


@register.filter
def words(value) -> str:
    """A choice value in words: `needs_improvement` → `needs improvement`."""
    return str(value or "").replace("_", " ")


@register.filter
def pct(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def num(value, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(digits)}f}"


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


@register.filter
def time_left(when: dt.datetime | None) -> str:
    """ "3 d 4 h left" or "overdue by 2 h" (from now)."""
    if when is None:
        return "—"
    seconds = (when - timezone.now()).total_seconds()
    return f"{_span(seconds)} left" if seconds >= 0 else f"overdue by {_span(seconds)}"


@register.filter
def is_past(when: dt.datetime | None) -> bool:
    return when is not None and when < timezone.now()


@register.simple_tag
def band(value: str | None, label: str | None = None):
    """A coloured band badge (score bands and HHI bands share the markup)."""
    value = value or "none"
    return format_html('<span class="band band-{}">{}</span>', value, label or words(value))


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one): pages and sort links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None and value != "":
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)  # a new filter or order starts at page 1
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str):
    """A column heading that sorts the list by `key` (a second click reverses it)."""
    current = context.get("sort", "")
    if current == key:
        new, state, arrow = f"-{key}", "ascending", " ▲"
    elif current == f"-{key}":
        new, state, arrow = key, "descending", " ▼"
    else:
        new, state, arrow = key, None, ""
    href = query(context, sort=new)
    if state:
        return format_html(
            '<th scope="col" aria-sort="{}"><a href="{}">{}{}</a></th>', state, href, label, arrow
        )
    return format_html('<th scope="col"><a href="{}">{}</a></th>', href, label)


@register.simple_tag
def qs(**params) -> str:
    """A query string from parameters (for links with filters: `{% url 'ui:vendor-list' %}{% qs band='critical' %}`)."""
    return "?" + urlencode({k: v for k, v in params.items() if v is not None})


@register.simple_tag(takes_context=True)
def nav_link(context, href: str, label: str):
    """A main-navigation link, marked as the current section when the page is under it."""
    path = context["request"].path
    current = path == href if href == "/" else path.startswith(href)
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', href, label)
    return format_html('<a href="{}">{}</a>', href, label)


@register.filter
def name_for(person, viewer) -> str:
    """`engagement.owner|name_for:user`: the username if `viewer` may see that user, else "" (never
    another lab's people; the same rule as the API's `owner_name`)."""
    return visible_username(viewer, person) or ""


@register.simple_tag
def term(key: str, label: str | None = None):
    """A defined word linked to its glossary entry, its definition shown on hover and keyboard focus."""
    entry = glossary.BY_KEY[key]
    text = label or entry.label
    href = f"/glossary/#{entry.key}"
    if entry.expansion:
        return format_html(
            '<a class="term" href="{}" data-tip="{}"><abbr title="{}">{}</abbr></a>',
            href,
            entry.definition,
            entry.expansion,
            text,
        )
    return format_html('<a class="term" href="{}" data-tip="{}">{}</a>', href, entry.definition, text)


PLACEHOLDER = re.compile(r"\[(Assignment|Selection(?: \([^)]*\))?):\s*([^\[\]]*)\]")


@register.filter
def placeholders(text: str) -> str:
    """Control text with its NIST-style blanks ("[Assignment: organization-defined frequency]") shown as
    readable fill-ins: the words in a marked span, the brackets and keyword gone. Escapes everything else."""
    escaped = str(escape(text or ""))
    for _ in range(3):  # blanks may nest ("[Selection: [Assignment: …]; …]"): innermost first
        escaped, n = PLACEHOLDER.subn(
            lambda m: (
                f'<span class="placeholder" title="{m.group(1)}: to be set by the organisation">'
                f"{m.group(2).strip()}</span>"
            ),
            escaped,
        )
        if not n:
            break
    return mark_safe(escaped)  # noqa: S308 - built from escaped text and fixed markup only

"""Filter building blocks shared by every app's FilterSets (API, UI and selectors use the same ones)."""

import django_filters
from django.db.models import Q

from vendors.scoping import scope


def scoped_queryset(model):
    """A queryset callable for choice filters: only what the requesting user may see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return scope(model.objects.all(), request.user)

    return queryset


class ChoiceListContainsFilter(django_filters.MultipleChoiceFilter):
    """Rows whose JSON list field contains any of the given values (portable: SQLite and PostgreSQL)."""

    def filter(self, qs, value):
        if not value:
            return qs
        q = Q()
        for v in value:
            q |= Q(**{f"{self.field_name}__icontains": f'"{v}"'})
        return qs.filter(q)

from rest_framework import exceptions
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` 1..500 and `page` ≥ 1 or a 400 naming the parameter."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw, 10)
        except ValueError:
            size = None
        if size is None or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return super().get_page_number(request, paginator)
        try:
            number = int(raw, 10)
        except ValueError:
            number = 0
        if number < 1:
            raise exceptions.ValidationError({self.page_query_param: ["Enter a whole number from 1."]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


class AfterIdPagination(BasePagination):
    """A forward-only cursor for feeds in ascending id order: a page of `limit` rows and `next`, the same
    query with `after` set to the page's last id (null on the last page). The feed reads `after` itself
    (a filter), so a script that stores the last id it saw resumes with `?after=<id>`."""

    limit_query_param = "limit"
    default_limit = 100
    max_limit = 1000

    def _limit(self, request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw in (None, ""):
            return self.default_limit
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= self.max_limit:
            raise exceptions.ValidationError(
                {self.limit_query_param: [f"Enter a whole number from 1 to {self.max_limit}."]}
            )
        return value

    def paginate_queryset(self, queryset, request, view=None):
        limit = self._limit(request)
        rows = list(queryset[: limit + 1])
        self.next_url = None
        if len(rows) > limit:
            rows = rows[:limit]
            self.next_url = replace_query_param(request.build_absolute_uri(), "after", rows[-1].pk)
        return rows

    def get_paginated_response(self, data):
        return Response({"next": self.next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_limit} (default {self.default_limit}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            }
        ]

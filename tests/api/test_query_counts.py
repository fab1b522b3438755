"""Every list endpoint answers in a fixed number of queries, however many rows it lists (no N+1).

Each resource pins its count (`list_queries` in tests/api/resources.py), measured as the most limited
user who may read it — a Lab A user, so the count includes the one query for the user's labs. Rows are
made with their own related objects (vendor, owner, lab, questions…), so a missing select_related or
prefetch_related shows up as a difference between 3 rows and 30.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .resources import RESOURCES


def list_queries(client, url) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()["count"], [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in RESOURCES])
def test_list_query_count_is_pinned_and_independent_of_rows(world, api_client_for, resource):
    r = resource(world)
    client = api_client_for(world.reader_for(resource.read_roles))
    for _ in range(3):
        r.make(world.lab_a)
    few, few_rows, few_sql = list_queries(client, r.list_url())
    for _ in range(27):
        r.make(world.lab_a)
    many, many_rows, many_sql = list_queries(client, r.list_url())
    assert many_rows >= few_rows + 27
    assert few == many, "queries grow with rows:\n" + "\n".join(many_sql)
    assert many == r.list_queries, f"{r.name}: pinned {r.list_queries}, now {many}:\n" + "\n".join(many_sql)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"lab": "A", "status": "active", "search": "Engagement"}, id="engagements-filtered"),
        pytest.param({"ordering": "-title", "page": 2, "page_size": 10}, id="engagements-page-2"),
    ],
)
def test_filters_and_pages_add_no_per_row_queries(world, api_client_for, query):
    r = next(res for res in RESOURCES if res.name == "engagements")(world)
    client = api_client_for(world.viewer_lab_a)
    query = {k: (world.lab_a.pk if v == "A" else v) for k, v in query.items()}
    counts = []
    for rows in (25, 30):
        while r.model.objects.filter(lab=world.lab_a).count() < rows:
            r.make(world.lab_a)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(r.list_url(), query).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]

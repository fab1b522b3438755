"""Every page answers in a pinned number of queries, the same with 1 or 4 more of every kind of row.

Measured as a Lab A user (the most limited reader: the count includes the query for the user's labs;
procurement's own pages as Lab A's procurement user). `grow` adds vendors, engagements, dependencies,
incidents, timeline entries, notifications, assessments, findings and score history, so a missing
select_related or a query per row shows up as a difference.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .pages import PAGES
from .world import grow

PINNED = {
    "dashboard": 25,
    "ranked-vendors": 3,
    "vendor-list": 8,
    "vendor-list-filtered": 9,
    "vendor-detail": 19,
    "vendor-detail-fourth-party": 19,
    "vendor-score": 9,
    "vendor-score-compact": 7,
    "lab-list": 6,
    "lab-detail": 14,
    "lab-concentration": 8,
    "engagement-list": 7,
    "engagement-list-filtered": 8,
    "engagement-detail": 11,
    "engagement-detail-changed": 18,  # + the before → after panel
    "engagement-score-change": 11,
    "engagement-export": 7,  # + function identifiers and vendor names of the register columns
    "engagement-template": 2,
    "engagement-create": 7,  # + function and alternative-provider choices
    "engagement-edit": 8,  # + function and alternative-provider choices
    "engagement-import": 2,
    "incident-list": 7,
    "incident-detail": 10,
    "incident-create": 3,
    "incident-detail-security": 10,
    "lab-response": 9,
    "deadlines": 6,
    "deadlines-security": 6,
    "deadlines-export": 4,
    "assessment-list": 6,
    "assessment-overdue": 6,
    "assessment-detail": 7,
    "finding-list": 6,
    "network": 11,
    "network-lab": 11,
    "planning": 7,
    "planning-plan": 54,  # + the regulator clocks of the incident on record the plan's change re-checks
    "glossary": 2,
    "register": 12,  # + every lab's (id, parent, LEI): intra-group providers (B_03.03)
    "register-functions": 4,
    "register-function-create": 5,
    "register-function-edit": 5,
    "register-critical-providers": 8,  # + the caller's labs whose assets have no EUR rate
}


def count(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_query_count_is_pinned_and_independent_of_data_size(
    page, world, viewer_lab_a, procurement_lab_a, security_lab_a, client_for
):
    user = {"viewer": viewer_lab_a, "procurement": procurement_lab_a, "security": security_lab_a}[
        page.measured_as or next(role for role in ("viewer", "procurement", "security") if role in page.roles)
    ]
    client = client_for(user)
    grow(world, 1)
    few, few_sql = count(client, page.url(world))
    grow(world, 4)
    many, many_sql = count(client, page.url(world))
    assert few == many, f"{page.name}: {few} → {many} queries\n" + "\n".join(many_sql)
    assert many == PINNED[page.name], f"{page.name}: pinned {PINNED[page.name]}, now {many}:\n" + "\n".join(
        many_sql
    )


def test_every_page_has_a_pinned_count():
    assert {p.name for p in PAGES} == set(PINNED)

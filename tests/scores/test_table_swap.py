"""The rebuild swaps freshly COPYed tables in (PostgreSQL): afterwards each table has exactly the indexes,
constraints and id sequence the migrations made, under the same names, and takes ordinary writes."""

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.models import LabConcentration, SharedDependency, VendorLabScore, VendorScore

from .helpers import engagement, lab, vendor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TABLES = [model._meta.db_table for model in (VendorScore, VendorLabScore, SharedDependency, LabConcentration)]


def _schema(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
    return indexes, constraints, sequence


def test_swapped_tables_keep_the_migrations_schema_and_take_writes():
    if connection.vendor != "postgresql":
        pytest.skip("the swap is PostgreSQL's; elsewhere the rebuild deletes and inserts")
    before = {table: _schema(table) for table in TABLES}
    assert all(before[table][0] and before[table][1] for table in TABLES)
    lab_a, lab_b = lab("Lab A"), lab("Lab B")
    alpha, beta = vendor("Alpha"), vendor("Beta")
    engagement(lab_a, alpha)
    engagement(lab_b, beta)
    for _ in range(2):
        call_command("recompute_scores", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert {table: _schema(table) for table in TABLES} == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE %s", ["%__fresh"])
        assert cursor.fetchone()[0] == 0
    assert VendorLabScore.objects.filter(vendor=alpha, lab=lab_a).exists()
    # Ordinary writes after the swap: the drain's upserts and the identity default.
    engagement(lab_a, beta)
    assert VendorLabScore.objects.filter(vendor=beta, lab=lab_a).exists()
    assert VendorScore.objects.filter(vendor__in=[alpha, beta]).count() == 2

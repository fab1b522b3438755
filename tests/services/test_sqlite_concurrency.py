"""Concurrent writes on SQLite through a real threaded server: they wait for each other, none fails.

The test database (already migrated, with the test's rows committed) is copied into a file with
SQLite's backup API, and `manage.py runserver` (threaded, the project's own settings: WAL, busy
timeout, IMMEDIATE transactions) serves it from a subprocess. Before the fix 23 of 24 concurrent
engagement creates and 9 of 20 suspend/resume calls failed with "database is locked".
"""

import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from knox.models import AuthToken

from tests import factories as f
from tests.services.conftest import ROOT, free_port

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sqlite_server(transactional_db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite behaviour (the suite runs on PostgreSQL)")

    def start() -> str:
        database = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(database)
        connection.connection.backup(target)
        target.close()
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("REDIS_URL", "DATABASE_URL", "PYTEST_XDIST_WORKER")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="vendorrisk.settings.test",
            DATABASE_URL=f"sqlite:///{database}",
            MEDIA_ROOT=str(tmp_path / "media"),
        )
        log = (tmp_path / "server.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                requests.get(url + "/health/", timeout=2)
                return url
            except requests.ConnectionError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AssertionError(Path(log.name).read_text(errors="replace")[-3000:]) from None
                time.sleep(0.1)

    servers: list = []
    yield start
    for proc in servers:
        proc.terminate()
        proc.wait(10)


def _client(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return session


def test_concurrent_engagement_creates_all_succeed(sqlite_server):
    admin = f.UserFactory(role="admin")
    labs = [f.LabFactory() for _ in range(3)]
    vendors = [f.VendorFactory() for _ in range(4)]
    token = AuthToken.objects.create(admin)[1]
    url = sqlite_server()

    def create(i: int) -> int:
        body = {
            "lab": labs[i % 3].pk,
            "vendor": vendors[i % 4].pk,
            "title": f"Concurrent {i}",
            "status": "active",
            "criticality": "critical",
            "data_sensitivity": "restricted",
            "substitutability": "difficult",
            "start_date": "2025-01-01",
        }
        return _client(token).post(f"{url}/api/engagements/", json=body, timeout=60).status_code

    with ThreadPoolExecutor(24) as pool:
        codes = Counter(pool.map(create, range(24)))
    assert codes == {201: 24}


def test_concurrent_suspend_and_resume_all_succeed(sqlite_server):
    admin = f.UserFactory(role="admin")
    vendor = f.VendorFactory()
    for _ in range(3):
        f.EngagementFactory(vendor=vendor)
    f.IncidentFactory(vendor=vendor)
    token = AuthToken.objects.create(admin)[1]
    url = sqlite_server()

    def change(i: int) -> int:
        action = "suspend" if i % 2 == 0 else "resume"
        response = _client(token).post(
            f"{url}/api/vendors/{vendor.pk}/{action}/", json={"reason": f"Call {i}"}, timeout=60
        )
        return response.status_code

    with ThreadPoolExecutor(20) as pool:
        codes = Counter(pool.map(change, range(20)))
    assert codes == {200: 20}

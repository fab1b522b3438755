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
from tests.pipeline.conftest import ROOT, free_port

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


def test_sign_in_and_writes_go_on_while_an_admin_import_runs(sqlite_server, tmp_path):
    """Finding 13: while an admin import ran (one long transaction) every other write failed on SQLite,
    sign-in included. Now it writes in batches of short transactions: others wait at most one batch."""
    import json
    import re
    import threading

    from incidents.importers.veris_fields import partner_name
    from tests.factories import PASSWORD

    admin = f.UserFactory(role="admin")
    user = f.UserFactory(role="procurement", all_labs=True)
    lab, vendor = f.LabFactory(), f.VendorFactory()
    url = sqlite_server()

    jsonl = ROOT / "tests" / "data" / "vcdb" / "partner_or_vendor_incidents.jsonl"
    named = []
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        record = json.loads(line) if line.strip() else {}
        notes = (record.get("actor") or {}).get("partner", {}).get("notes")
        if isinstance(notes, str) and partner_name(notes):
            named.append(record)
    body = "".join(
        json.dumps({**record, "incident_id": f"{record['incident_id']}-{copy}"}) + "\n"
        for copy in range(24)
        for record in named
    )  # ~3,100 new incidents: several seconds of writing

    browser = requests.Session()
    login = browser.get(f"{url}/admin/login/", timeout=30)
    assert login.status_code == 200
    browser.post(
        f"{url}/admin/login/",
        data={
            "username": admin.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{url}/admin/login/"},
        timeout=30,
    )
    page = browser.post(
        f"{url}/admin/assessments/questionnaire/imports/",
        data={"step": "preview", "kind": "veris", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        files={"file": ("big.jsonl", body.encode())},
        headers={"Referer": f"{url}/admin/"},
        timeout=120,
    )
    assert page.status_code == 200 and 'id="import-confirm"' in page.text, page.text[-2000:]
    job_url = page.url
    token = re.search(r'name="token" value="([^"]+)"', page.text)[1]

    done = {}

    def run_import():
        done["response"] = browser.post(
            job_url,
            data={"step": "import", "token": token, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": job_url},
            timeout=300,
        )

    importer = threading.Thread(target=run_import)
    importer.start()
    time.sleep(0.5)
    results = []
    n = 0
    during = 0
    imported_so_far = []

    def imported() -> int:  # what the import has committed so far (a reader of its own, WAL)
        reader = sqlite3.connect(tmp_path / "db.sqlite3")
        try:
            return reader.execute(
                "SELECT count(*) FROM incidents_incident WHERE source = 'veris'"
            ).fetchone()[0]
        finally:
            reader.close()

    while importer.is_alive() or n < 3:
        during += importer.is_alive()
        started = time.monotonic()
        signed_in = requests.post(
            f"{url}/api/auth/token/", json={"username": user.username, "password": PASSWORD}, timeout=60
        )
        created = _client(signed_in.json().get("token", "")).post(
            f"{url}/api/engagements/",
            json={
                "lab": lab.pk,
                "vendor": vendor.pk,
                "title": f"While importing {n}",
                "status": "active",
                "criticality": "low",
                "data_sensitivity": "internal",
                "substitutability": "easy",
                "start_date": "2025-01-01",
            },
            timeout=60,
        )
        results.append((signed_in.status_code, created.status_code, time.monotonic() - started))
        imported_so_far.append(imported())
        n += 1
    importer.join(300)

    assert "Imported" in done["response"].text, done["response"].text[-2000:]
    assert during >= 1
    assert all(code == 200 for code, _, _ in results), results
    assert all(code == 201 for _, code, _ in results), results
    # Writes went through while the import was part-way: it never held the database to its end.
    final = imported()
    assert final > 3000
    assert any(0 < count < final for count in imported_so_far), (imported_so_far, results)

"""Real services for the pipeline tests: PostgreSQL, Redis, Celery worker processes.

Skipped, with the reason, when the suite runs without DATABASE_URL/REDIS_URL; REQUIRE_SERVICES=1
turns those skips into failures (CI sets it).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from vendorrisk.core.worker import CeleryWorker

ROOT = Path(__file__).resolve().parents[2]


def _missing(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def _redis_ping(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        _missing("these tests need PostgreSQL (set DATABASE_URL=postgres://…)")
    return connection.settings_dict


@pytest.fixture
def shared_redis():
    url = settings.TEST_REDIS_URL
    if not url:
        _missing("these tests need Redis (set REDIS_URL=redis://…)")
    if not _redis_ping(url):
        _missing(f"Redis at {url} does not answer")
    return url.rsplit("/", 1)[0] + "/9"  # a database of our own


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, on a free port, that the test may stop and start."""

    def __init__(self):
        if not shutil.which("redis-server"):
            _missing("redis-server is not installed")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="vr-redis-")
        self.proc = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        while not _redis_ping(self.url):
            if time.time() > deadline:
                raise RuntimeError("own redis-server did not start")
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)


def launch_worker(
    broker_url: str, db_name: str, *, beat: bool = False, concurrency: int = 1, env=None
) -> CeleryWorker:
    """A worker on the test database and `broker_url` (the shared launcher), once it says it is ready."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.test",
        "TEST_CELERY_EAGER": "0",
        "REDIS_URL": broker_url,
        "DATABASE_URL": _database_url(db_name),
        "SWEEP_SECONDS": "1",
        **(env or {}),
    }
    worker = CeleryWorker(
        environment, cwd=ROOT, concurrency=concurrency, name=f"w{free_port()}@%h", beat=beat
    )
    worker.wait_for("ready", 60)
    return worker


def _database_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def start_worker(postgres):
    workers = []

    def start(broker_url, **kwargs):
        worker = launch_worker(broker_url, postgres["NAME"], **kwargs)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def live_broker():
    """Make this process publish to a real broker (the suite is otherwise eager)."""
    from vendorrisk.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)

    def use(url: str):
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        app.pool.force_close_all() if app._pool else None
        app._pool = None
        app.amqp._producer_pool = None

    yield use
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None

"""The demo server (issue 9 finding 20): `make demo`'s settings run without DEBUG, show the product's own
error pages under its CSP, and still serve the static files (WhiteNoise, no collectstatic)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """`manage.py runserver` as `make demo` starts it: local settings, the demo's hosts, DEBUG off (its
    default, see test_the_demo_runs_without_debug), and no collectstatic."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vendorrisk.settings.local",
        ALLOWED_HOSTS="127.0.0.1,localhost,[::1]",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}",
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/static/css/app.css", timeout=2)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.25)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback
    except urllib.error.HTTPError as error:
        return error


def test_the_demo_runs_without_debug():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DEBUG"},
            "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.local",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_a_404_is_the_products_page_without_url_patterns(demo_server):
    response = get(f"{demo_server}/no-such-page/")
    body = response.read().decode()
    assert response.status == 404
    assert "Vendor risk register" in body and 'href="/static/css/app.css"' in body
    assert "URLconf" not in body and "api/" not in body
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_static_css_is_served_without_debug(demo_server):
    response = get(f"{demo_server}/static/css/app.css")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.read() == (ROOT / "static" / "css" / "app.css").read_bytes()

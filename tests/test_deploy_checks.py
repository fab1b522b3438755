"""Deployment checks (issue 9 finding 19): production settings pass `check --deploy` with 0 warnings, the
OpenAPI schema generates with 0 warnings, and the HTTPS switches for a TLS-terminating proxy work."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def production(**env: str) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "x",
        **env,
    }


def test_check_deploy_on_production_settings_has_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "System check identified no issues" in output, output


def test_schema_generation_has_no_warnings(tmp_path):
    result = manage(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        DJANGO_SETTINGS_MODULE="vendorrisk.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'none' / 'missing.sqlite3'}",  # the schema needs no database
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    schema = (tmp_path / "schema.yaml").read_text()
    assert "DataCategoryEnum:" in schema and "RiskBandEnum:" in schema


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, (True, 31_536_000, True, ("HTTP_X_FORWARDED_PROTO", "https"))),
        (
            {
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_PROXY_SSL_HEADER": "",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
            },
            (False, 31_536_000, False, None),
        ),
        (
            {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_SCHEME,https"},
            (True, 31_536_000, True, ("HTTP_X_FORWARDED_SCHEME", "https")),
        ),
    ],
)
def test_https_settings_and_their_switches(env, expected):
    code = (
        "from django.conf import settings as s; "
        "print(repr((s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_PROXY_SSL_HEADER)))"
    )
    result = manage("shell", "-c", code, **production(**env))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(expected)

"""Container health checks for docker-compose.yml (standard library only, no curl in the slim image).

python scripts/healthcheck.py web    GET /health/?format=json on 127.0.0.1:8000, Host from ALLOWED_HOSTS
python scripts/healthcheck.py beat   the beat schedule file was written in the last 10 minutes
"""

import os
import sys
import time
import urllib.request
from pathlib import Path

BEAT_SCHEDULE = Path(os.environ.get("BEAT_SCHEDULE", "/tmp/celerybeat-schedule"))


def web() -> bool:
    # Django answers 400 to a Host it does not allow, so ask as the first allowed host.
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(
        "http://127.0.0.1:8000/health/?format=json",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed loopback URL
        return response.status == 200


def beat() -> bool:
    # Beat syncs its schedule file every few minutes while it runs; the dbm backend may add a suffix.
    files = list(BEAT_SCHEDULE.parent.glob(BEAT_SCHEDULE.name + "*"))
    return any(time.time() - f.stat().st_mtime < 600 for f in files)


def main() -> int:
    checks = {"web": web, "beat": beat}
    if len(sys.argv) != 2 or sys.argv[1] not in checks:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return 0 if checks[sys.argv[1]]() else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

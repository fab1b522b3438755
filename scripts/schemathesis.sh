#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI schema with schemathesis.
#
# A throwaway database (PostgreSQL "vendorrisk_schemathesis" on the server of $DATABASE_URL, or SQLite under
# var/ when DATABASE_URL is unset) is migrated and loaded with the demo scenario, an API token is made for the
# demo admin and one for "analyst" (a lab-limited security user), and gunicorn serves the production settings
# on a free loopback port with throttling off. Every operation except logout (which would revoke the token
# mid-run) is fuzzed once per user, with positive and negative data (--mode all), the stateful phase and every
# check; the server, the database and the tokens go away at the end. Exit status: non-zero when either run
# found failures.
#
# Tunables: ST_MAX_EXAMPLES (10), ST_PHASES (examples,coverage,fuzzing,stateful; the admin's run), ST_LIMITED_PHASES
# (examples,fuzzing,stateful; the lab-limited user's run), ST_CHECKS (all), ST_MODE
# (all), ST_USERS ("analyst admin"), ST_TIMEOUT (seconds per user's run, 1200), ST_WORKERS (2; 1 on SQLite),
# ST_SEED, ST_ARGS (more schemathesis options, e.g. "--include-path-regex questionnaires").
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
ST=.venv/bin/schemathesis
OUT=var/schemathesis
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-10}
PHASES=${ST_PHASES:-examples,coverage,fuzzing,stateful}
# The coverage phase (every boundary of every parameter) is the slow one and does not depend on who asks:
# the lab-limited user's run skips it, the admin's run does it.
LIMITED_PHASES=${ST_LIMITED_PHASES:-examples,fuzzing,stateful}
CHECKS=${ST_CHECKS:-all}
MODE=${ST_MODE:-all}
USERS=${ST_USERS:-analyst admin}
ST_TIMEOUT=${ST_TIMEOUT:-1200}
ST_WORKERS=${ST_WORKERS:-2}
GUNICORN_WORKERS=2

if [ ! -x "$ST" ]; then
    echo "schemathesis is not installed in .venv: run 'make install' first" >&2
    exit 2
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.xml "$OUT"/*.ndjson

# The app under test: production settings, loopback only, no broker (tasks run in-process), no mail out.
export DJANGO_SETTINGS_MODULE=vendorrisk.settings.production
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export DEBUG=false
# Plain http on loopback: no redirect to https (production's default); HSTS is only sent over https anyway.
export SECURE_SSL_REDIRECT=false
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export THROTTLE_USER=1000000/min THROTTLE_ANON=1000000/min THROTTLE_TOKEN=1000000/min
export AXES_FAILURE_LIMIT=1000000 AXES_IP_FAILURE_LIMIT=1000000
export MEDIA_ROOT="$PWD/$OUT/media"
unset REDIS_URL

BASE_URL=${DATABASE_URL:-}
case "$BASE_URL" in
    postgres://* | postgresql://* | pgsql://*)
        # Same server and credentials, our own database name; the base database is only used to connect.
        DATABASE_URL=$("$PY" - "$BASE_URL" <<'PYEOF'
import sys
from urllib.parse import urlsplit, urlunsplit

parts = urlsplit(sys.argv[1])
print(urlunsplit(parts._replace(path="/vendorrisk_schemathesis")))
PYEOF
)
        KIND=postgres
        ;;
    "")
        DATABASE_URL="sqlite:///$PWD/$OUT/schemathesis.sqlite3"
        KIND=sqlite
        # SQLite takes one writer at a time: concurrent requests would only find "database is locked".
        GUNICORN_WORKERS=1
        ST_WORKERS=1
        ;;
    *)
        echo "schemathesis.sh: unsupported DATABASE_URL scheme (PostgreSQL or unset for SQLite)" >&2
        exit 2
        ;;
esac
export DATABASE_URL

pg_admin() {  # pg_admin "SQL": runs one statement outside a transaction on the base database
    "$PY" - "$BASE_URL" "$1" <<'PYEOF'
import sys

import environ
import psycopg2

cfg = environ.Env.db_url_config(sys.argv[1])
conn = psycopg2.connect(
    dbname=cfg["NAME"], user=cfg.get("USER") or None, password=cfg.get("PASSWORD") or None,
    host=cfg.get("HOST") or None, port=cfg.get("PORT") or None,
)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute(sys.argv[2])
conn.close()
PYEOF
}

drop_db() {
    if [ "$KIND" = postgres ]; then
        pg_admin 'DROP DATABASE IF EXISTS vendorrisk_schemathesis WITH (FORCE)' || true
    else
        rm -f "$OUT/schemathesis.sqlite3"
    fi
}

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    drop_db
}
trap cleanup EXIT

echo "== schemathesis: preparing a throwaway $KIND database =="
drop_db
if [ "$KIND" = postgres ]; then
    pg_admin 'CREATE DATABASE vendorrisk_schemathesis'
fi
"$PY" manage.py migrate --noinput >"$OUT/migrate.log"
PY="$PY" bash scripts/load_demo.sh

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
echo "== schemathesis: starting gunicorn on $BASE =="
.venv/bin/gunicorn vendorrisk.wsgi --bind "127.0.0.1:$PORT" --workers "$GUNICORN_WORKERS" --timeout 60 \
    --access-logfile "$OUT/access.log" --error-logfile - >"$OUT/server.log" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 60); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        break
    fi
    if "$PY" -c "import urllib.request; urllib.request.urlopen('$BASE/health/?format=json', timeout=2)" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.5
done
if [ -z "$ready" ]; then
    echo "the server did not answer /health/ within 30 s; its log:" >&2
    tail -n 40 "$OUT/server.log" >&2 || true
    exit 1
fi

seed_args=()
checks_args=()
if [ "$CHECKS" != all ]; then
    checks_args=(--checks "$CHECKS")
fi
if [ -n "${ST_SEED:-}" ]; then
    seed_args=(--seed "$ST_SEED")
fi
# Keeps schemathesis's crash cache (what `st replay` reads) under var/ instead of .schemathesis/ in the tree.
# positive_data_acceptance: a schema-valid request the API refuses on meaning — an id that does not exist
# or is another lab's, a date outside 1900-2200 (vendorrisk/bounds.py), end before start — is a 400 that names
# the field; OpenAPI cannot express those rules. Every other status outside 2xx/3xx/401/403/404/409/429 (a 422,
# any 5xx) still fails it, and not_a_server_error stays at its default.
cat >"$OUT/schemathesis.toml" <<TOML
[cache]
directory = "$PWD/$OUT/cache"

# Every check (ST_CHECKS=all, the default) is switched on here rather than with --checks: a check named on
# the command line would override the per-operation exception below.
[checks]
enabled = true

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]

# negative_data_rejection: gunicorn's 414 (a request line over 4094 bytes) and the 413 of an oversized body
# are refusals too; a 5xx is left to not_a_server_error.
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428", "429"]

# A schemathesis 4.x false positive, questionnaire writes only: its coverage phase builds the template of a
# \$ref'd object with every property counted as required, so a question without its optional \`weight\`
# (default 1) is reported as "schema-violating" though the schema lists only code and text as required.
# The other checks still run on these operations; tests/api cover the refusals of bad questions.
[[operations]]
include-path-regex = "^/api/questionnaires/"
include-method = ["POST", "PUT", "PATCH"]
checks.negative_data_rejection.enabled = false
TOML

summarise() {  # summarise JUNIT_XML USER
    "$PY" - "$1" "$2" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()  # noqa: S314 - schemathesis's own report
operations, failed, stateful = 0, [], "not run"
for case in root.iter("testcase"):
    bad = case.find("failure") is not None or case.find("error") is not None
    if case.get("name") == "Stateful tests":  # the stateful phase reports as one pseudo-operation
        stateful = "failed" if bad else "passed"
        continue
    operations += 1
    if bad:
        failed.append(case.get("name"))
for name in failed:
    print(f"  failing operation ({sys.argv[2]}): {name}")
print(
    f"schemathesis summary as {sys.argv[2]}: {operations} operations tested, {len(failed)} with failures; "
    f"stateful phase {stateful}"
)
PYEOF
}

# Every user's token is made before any run: the admin's run may change or deactivate the other users.
declare -A TOKENS
for user in $USERS; do
    TOKENS[$user]=$("$PY" manage.py shell -c "
from django.contrib.auth import get_user_model
from knox.models import AuthToken

print(AuthToken.objects.create(get_user_model().objects.get(username='$user'))[1])
" | tail -n 1)
done

final_rc=0
# The lab-limited security user ("analyst") runs first, on the demo as loaded; then the admin.
for user in $USERS; do
    TOKEN=${TOKENS[$user]}
    user_phases=$PHASES
    if [ "$user" = analyst ]; then
        user_phases=$LIMITED_PHASES
    fi
    echo "== schemathesis as $user: fuzzing $BASE/api/schema/ (mode $MODE; phases $user_phases; checks: $CHECKS; max examples $MAX_EXAMPLES) =="
    rc=0
    timeout --signal=INT --kill-after=30 "$ST_TIMEOUT" \
        "$ST" --config-file "$OUT/schemathesis.toml" run "$BASE/api/schema/" \
        --header "Authorization: Token $TOKEN" \
        "${checks_args[@]}" \
        --mode "$MODE" \
        --phases "$user_phases" \
        --max-examples "$MAX_EXAMPLES" \
        --workers "$ST_WORKERS" \
        --exclude-path /api/auth/logout/ \
        --request-timeout 30 \
        --generation-database none \
        --report junit,ndjson --report-dir "$OUT" \
        --report-junit-path "$OUT/junit-$user.xml" --report-ndjson-path "$OUT/events-$user.ndjson" \
        --no-color "${seed_args[@]}" ${ST_ARGS:-} || rc=$?
    if [ -f "$OUT/junit-$user.xml" ]; then
        summarise "$OUT/junit-$user.xml" "$user"
    else
        echo "schemathesis summary as $user: no report written (exit code $rc)"
    fi
    if [ "$rc" -eq 124 ]; then
        echo "schemathesis as $user ran out of its ${ST_TIMEOUT} s budget" >&2
    fi
    if [ "$rc" -ne 0 ]; then
        final_rc=$rc
    fi
done
exit "$final_rc"

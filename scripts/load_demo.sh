#!/usr/bin/env bash
# Loads the fictional demo scenario (vendorrisk/demo/) and (re)sets the demo users; their password is
# $DEMO_PASSWORD or "admin". Safe to run again: the load brings the data back to the scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

"$PY" manage.py load_demo

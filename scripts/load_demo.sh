#!/usr/bin/env bash
# Loads the fictional demo scenario and (re)sets the demo user `admin` (password $DEMO_PASSWORD or "admin").
# Until `manage.py load_demo` exists, it only creates that user, so the demo and the API fuzz still start.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

if "$PY" manage.py help --commands | grep -qx load_demo; then
    "$PY" manage.py load_demo
else
    echo "manage.py load_demo not found: creating only the demo user 'admin'" >&2
    "$PY" manage.py shell -c '
import os
from django.contrib.auth import get_user_model
from vendorrisk.roles import Role

user, _ = get_user_model().objects.get_or_create(username="admin")
user.role = Role.ADMIN
user.is_active = True
user.set_password(os.environ.get("DEMO_PASSWORD") or "admin")
user.save()
print("demo user admin ready")
'
fi

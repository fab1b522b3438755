# Vendor risk register: every command runs from .venv/bin, so nothing needs activating.
#   make demo   - fresh machine to a running demo on http://127.0.0.1:$(PORT) (SQLite, no Redis)
#   make test   - the whole suite (SQLite + in-process tasks, or PostgreSQL + Redis when their URLs are set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
SCALE ?= reference
PYTEST_ARGS ?=
REPORTS := var/test-reports

.DEFAULT_GOAL := help
.PHONY: help install demo test test-parallel test-serial lint format migrate worker beat bench schemathesis vendor-axe clean

help:
	@echo "make demo          create .venv, migrate SQLite under var/, load the demo, serve on 127.0.0.1:$(PORT)"
	@echo "make test          the whole suite: parallel tests, then the serial ones (own services)"
	@echo "make lint          ruff check + ruff format --check"
	@echo "make format        ruff format + ruff check --fix"
	@echo "make migrate       apply migrations to DATABASE_URL (default: SQLite under var/)"
	@echo "make worker        a Celery worker on the default queue (needs REDIS_URL)"
	@echo "make beat          Celery beat: the 30 s score sweep and the daily time-based marks"
	@echo "make bench         manage.py bench_scores --scale $(SCALE)"
	@echo "make schemathesis  fuzz the API against its OpenAPI schema (scripts/schemathesis.sh)"
	@echo "make vendor-axe    re-fetch the browser tests' axe-core from npm and check its SHA-256"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when the lock changes. `uv pip install` (not sync) so it never removes uv itself.
# uv from .venv, else from PATH, else pip-installed into .venv (ensurepip first: `uv venv` makes no pip);
# plain pip when uv cannot be had.
$(STAMP): requirements.lock | $(PY)
	@uv=$(VENV)/bin/uv; \
	if [ ! -x $$uv ] && command -v uv >/dev/null 2>&1; then uv=$$(command -v uv); fi; \
	if [ ! -x $$uv ]; then \
		$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null; \
		$(PY) -m pip install -q uv || echo "uv unavailable; installing with pip"; \
	fi; \
	if [ -x $$uv ] && $$uv pip install -q --python $(PY) -r requirements.lock; then :; else \
		$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null; \
		$(PY) -m pip install -q -r requirements.lock; \
	fi
	@touch $@

install: $(STAMP)

# var/staticfiles is STATIC_ROOT: WhiteNoise warns on every request when it is missing.
var:
	@mkdir -p var/staticfiles

migrate: $(STAMP) | var
	$(PY) manage.py migrate --noinput

# The demo is loopback-only, so the allowed hosts are fixed; a DATABASE_URL from the environment or the
# command line (make demo DATABASE_URL=...) is passed through, otherwise settings use var/vendorrisk.sqlite3.
demo: export DJANGO_SETTINGS_MODULE = vendorrisk.settings.local
demo: export ALLOWED_HOSTS = 127.0.0.1,localhost,[::1]
# Without DEBUG (unless given on the command line): the product's error pages; WhiteNoise serves static files.
demo: export DEBUG ?= false
# The demo's webhooks may target this machine (production refuses private targets).
demo: export WEBHOOK_ALLOW_PRIVATE_TARGETS ?= true
demo: $(STAMP) | var
	$(PY) manage.py migrate --noinput
	@bash scripts/load_demo.sh
	@if [ -n "$${DEMO_PASSWORD:-}" ]; then pw='the value of $$DEMO_PASSWORD'; else pw=admin; fi; \
	echo "Demo: http://127.0.0.1:$(PORT)/  user admin, password $$pw"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Two phases: everything that can share the machine with xdist, then the tests that start their own
# services, one at a time. Exit code 5 (nothing collected) is not a failure for a phase.
test: $(STAMP) | var
	@mkdir -p $(REPORTS)
	@rm -f $(REPORTS)/*.xml
	@status=0; \
	echo "== pytest: parallel phase (-n 2, not serial) =="; \
	$(PY) -m pytest -n 2 -m "not serial" -rfEs --junitxml=$(REPORTS)/parallel.xml $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "(no parallel tests collected)"; elif [ $$rc -ne 0 ]; then status=$$rc; fi; \
	echo "== pytest: serial phase (-m serial) =="; \
	$(PY) -m pytest -m serial -rfEs --junitxml=$(REPORTS)/serial.xml $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "(no serial tests collected)"; elif [ $$rc -ne 0 ]; then status=$$rc; fi; \
	$(PY) scripts/test_summary.py $(REPORTS); \
	exit $$status

test-parallel: $(STAMP) | var
	$(PY) -m pytest -n 2 -m "not serial" $(PYTEST_ARGS)

test-serial: $(STAMP) | var
	$(PY) -m pytest -m serial $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: $(STAMP)
	$(VENV)/bin/celery -A vendorrisk worker -l info -Q default

beat: $(STAMP) | var
	$(VENV)/bin/celery -A vendorrisk beat -l info --schedule var/celerybeat-schedule

bench: $(STAMP)
	$(PY) manage.py bench_scores --scale $(SCALE)

schemathesis: $(STAMP) | var
	bash scripts/schemathesis.sh

# axe-core for the browser tests' accessibility checks (test context only; committed, so CI needs no npm).
AXE_VERSION := 4.14.1
AXE_SHA256 := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE_DIR := tests/browser/vendor
vendor-axe:
	@tmp=$$(mktemp -d); \
	(cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz) && \
	echo "$(AXE_SHA256)  $$tmp/package/axe.min.js" | sha256sum -c --quiet - && \
	cp $$tmp/package/axe.min.js $(AXE_DIR)/axe.min.js && cp $$tmp/package/LICENSE $(AXE_DIR)/axe-core.LICENSE; \
	status=$$?; rm -rf $$tmp; exit $$status

clean:
	rm -rf $(REPORTS) var/schemathesis var/staticfiles

# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed here, from PyPI and Debian's packages: nothing is set up by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# make test runs the suite in this many processes (pytest-xdist): a test file, or a test
# class, at a time (``--dist loadscope``), so the fixtures they share are built once. (Not
# ``loadgroup`` with markers: under pytest 9.2 xdist can no longer rename the tests it
# groups, so every test went wherever and shared fixtures were rebuilt many times.)
TEST_WORKERS ?= 2

.PHONY: demo test lint format install browser bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml package.json package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the front-end packages."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

# The translations (locale/<lang>/LC_MESSAGES/django.po) compiled to the .mo files Django
# reads, by Babel (a Python dependency): no gettext tools needed. Again when a .po changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

$(MO_FILES): %.mo: %.po | $(STAMP)
	$(BIN)/pybabel -q compile --domain=django --input-file=$< --output-file=$@

install: $(STAMP) $(MO_FILES)

demo: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@# The daily certificate round (training reminders and expiry), kept going by the worker.
	$(BIN)/python manage.py training_certificates
	@# The daily round of meeting action reminders (overdue and due soon), likewise.
	$(BIN)/python manage.py meeting_reminders
	@echo ""
	@echo "  The portal is starting at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "  Sign in with a demo account above; the admin is at http://127.0.0.1:$(PORT)/admin/"
	@echo "  Background work (e-mail, shown here on the console; search-index writes;"
	@echo "  renditions) runs in a worker beside the server and stops with it."
	@echo ""
	@# -v 0: not a line per task on the console (a failure the portal gives up on is
	@# still logged, by portal.tasks).
	@$(BIN)/python manage.py db_worker --no-startup-delay -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(BIN)/daphne -b 127.0.0.1 -p $(PORT) portal.asgi:application

# Debian's chromium for the browser tests: installed when missing and we are root.
browser:
	@bash scripts/ensure-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install browser lint
	$(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=25 $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var node_modules static_collected test-artifacts .pytest_cache .ruff_cache

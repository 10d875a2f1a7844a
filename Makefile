# The two commands of the README:
#   make run   installs everything, loads the demo data and serves http://127.0.0.1:8000
#   make test  installs everything, lints and runs the whole test suite (on SQLite; also on
#              PostgreSQL when TEST_POSTGRES_URL=postgres://... is set, as .ci/run does)
# Both work on a fresh Debian machine with Python 3.11 (python3 and python3-venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Links in emails and the demo's printed login address follow the port the site is served on.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run test lint format messages demo worker beat clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py demo_data
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite (the embedded default), then, when TEST_POSTGRES_URL is set (CI sets
# it), again on PostgreSQL without the browser tests and the `slow` ones, which do not depend on the
# database. Lint first: a lint failure fails the tests. pytest's exit 5 (no tests collected, e.g.
# PYTEST_ARGS selected none) is not a failure.
test: install lint
	@echo "==> Tests on SQLite (the embedded default)"
	env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "==> Tests on PostgreSQL ($$(echo "$$TEST_POSTGRES_URL" | sed -E 's#://([^:/@]*):[^@]*@#://\1:***@#')), without browser and slow tests"; \
		DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -m "not browser and not slow" \
			$(PYTEST_ARGS) || [ $$? -eq 5 ]; \
	fi

lint: install
	@echo "==> Lint (ruff check, ruff format --check)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the Vietnamese catalogue from the source and compile it (needs gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --locale vi --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*'

worker: install
	$(BIN)/celery -A conference worker --loglevel INFO

beat: install
	$(BIN)/celery -A conference beat --loglevel INFO --schedule data/celerybeat-schedule

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

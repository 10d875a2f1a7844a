# The two commands of the README:
#   make run   installs everything, loads the demo data and serves http://127.0.0.1:8000
#   make test  installs everything, lints and runs the whole test suite (on SQLite; also on
#              PostgreSQL when TEST_POSTGRES_URL=postgres://... is set, as .ci/run does)
# Both work on a fresh Debian 12 machine that has python3, python3-venv, make and git: first they
# check the Debian packages they need (.ci/debian-packages.txt) and, run as root, install the missing
# ones with apt-get; as another user they stop with the apt-get line to run.
# PYTHON picks the interpreter of .venv (Python 3.11 to 3.13), e.g. `make test PYTHON=python3.12`;
# .venv is made again when it was made with another version.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Links in emails and the demo's printed login address follow the port the site is served on.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run test lint format messages demo worker beat clean
PRINT_VERSION := import sys; print("%d.%d" % sys.version_info[:2])

install:
	@want=$$($(PYTHON) -c '$(PRINT_VERSION)') || exit 1; \
	if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c '$(PRINT_VERSION)' 2>/dev/null)" != "$$want" ]; then \
		echo "==> $(VENV) was made with another Python than $(PYTHON) ($$want): making it again"; \
		rm -rf $(VENV); \
	fi; \
	if [ ! -x $(BIN)/uv ]; then \
		echo "==> $(VENV) with $(PYTHON) (Python $$want)"; \
		$(PYTHON) -m venv $(VENV) && \
		$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; \
	fi
	$(BIN)/uv sync --frozen --inexact --quiet

# The Debian packages a target needs (.ci/debian-packages.txt): a quick check; as root the missing
# ones are installed, otherwise make stops with the apt-get line. CHECK_PACKAGES=0 skips the check
# (tests whose package is missing are then skipped, naming it).
CHECK_PACKAGES ?= 1
packages-%:
	@[ "$(CHECK_PACKAGES)" = 0 ] || .ci/debian-packages $*

run: packages-run install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py demo_data
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite (the embedded default), then, when TEST_POSTGRES_URL is set (CI sets
# it), again on PostgreSQL without the browser tests and the `slow` ones, which do not depend on the
# database. Lint first: a lint failure fails the tests. pytest's exit 5 (no tests collected, e.g.
# PYTEST_ARGS selected none) is not a failure.
test: packages-test install lint
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
messages: packages-messages install
	DEBUG=1 $(BIN)/python manage.py makemessages --locale vi --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*'

worker: install
	$(BIN)/celery -A conference worker --loglevel INFO

beat: install
	$(BIN)/celery -A conference beat --loglevel INFO --schedule data/celerybeat-schedule

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# expectedwrong: `make run` serves the site locally, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres lint format install install-test serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The mail outbox's sender runs in the background beside the server and
# stops with it (mail goes to the console unless EMAIL_HOST is set).
run: export DJANGO_DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py send_mail_outbox --loop --verbosity 0 & sender=$$!; \
		trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# axe-core, the accessibility engine the browser tests run, comes from npm
# (pinned in package-lock.json). Without npm those checks skip, or fail
# under REQUIRE_BROWSER=1 as in CI.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility checks will skip (install Node.js and npm to run them)."; fi

# The whole suite runs twice: on SQLite, then on PostgreSQL when
# TEST_POSTGRES_URL names a server where that user may create databases.
# CI sets REQUIRE_POSTGRES=1 so that a missing server fails instead.
test: lint node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory test-postgres

test-postgres: install-test
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "== The suite again, on PostgreSQL"; \
		DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest $(PYTEST_ARGS); \
	elif [ "$$REQUIRE_POSTGRES" = 1 ]; then \
		echo "REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set." >&2; exit 1; \
	else \
		echo "Skipped the PostgreSQL run: set TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1:5432/postgres to run the suite on PostgreSQL too (see README)."; \
	fi

# Production-style server: gunicorn against the configured database.
serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c config/gunicorn.conf.py config.wsgi

# The benchmark (bench/run.py): generated sites of 10 and 10,000 posts and
# one with 30,000 claims in var/bench/ (on PostgreSQL too when
# BENCH_DATABASE_URL is set), their pages timed in process and loaded with
# wrk against gunicorn on loopback; writes docs/benchmarks.md. Takes about
# ten minutes per database. wrk comes from Debian's packages.
bench: install
	@command -v wrk >/dev/null || { echo "Installing wrk from Debian's packages"; \
		apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

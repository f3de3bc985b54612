# BankDash: `make run` serves the app with demo data, `make test` runs the checks.
#
# Test tiers (tests/tiers.py):
#   make test                        default tier, a few minutes: ruff, then every suite (unit, integration,
#                                    hypothesis property tests, a short load simulation of 1 seed x 2,000
#                                    operations, the browser journeys, the dashboard screenshots)
#   BANKDASH_FULL_TESTS=1 make test  full tier (what .ci/run runs; `make test-full` is the same): also the long
#                                    simulation (10 seeds x 10,000 operations), every page at every size in the
#                                    browser screenshots, and every test marked @pytest.mark.full (skipped with
#                                    the reason in the default tier)
# HYPOTHESIS_PROFILE=random draws new (and more) hypothesis examples; the default is derandomized.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-full lint deps assets migrate seed bench bench-client e2e screenshots clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.deps: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.assets: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.deps node_modules/.assets

migrate: deps
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "BankDash is at http://127.0.0.1:8000, with one background worker (Ctrl+C stops both)"
	@echo "  customer: demo@example.com    / bankdash-demo"
	@echo "  support:  staff@example.com   / bankdash-demo"
	@echo "  auditor:  auditor@example.com / bankdash-demo"
	@echo "  emails (alerts) are printed here; set EMAIL_URL=smtp://host:port to send them"
	@echo ""
	@# The worker in the background, the web server in the foreground; whichever way the server
	@# stops (Ctrl+C, an error), the worker is stopped (SIGTERM: it finishes its job) and waited for.
	@$(BIN)/python manage.py procrastinate worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: deps
	$(BIN)/ruff check .

# The default tier; BANKDASH_FULL_TESTS=1 in the environment turns on the full tier. The suites
# run on TEST_WORKERS pytest-xdist workers (each with its own test database; conftest.py groups
# the tests that share a server); TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= 2
test: deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The full tier, as CI runs it (.ci/run).
test-full:
	BANKDASH_FULL_TESTS=1 $(MAKE) test

# Browser tests only (Debian's Chromium at /usr/bin/chromium; skipped with a reason without it,
# a failure when the CI environment variable is set).
e2e: deps
	$(BIN)/python -m pytest tests/e2e

# Retake the screenshots of every page at every size (test-artifacts/screenshots/, the full
# tier's set) and publish the dashboard one to docs/.
screenshots: deps
	BANKDASH_FULL_TESTS=1 BANKDASH_PUBLISH_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e -k screenshots

# The benchmark through gunicorn (production settings) driven by wrk: ratios to a logged-in hello
# in the same run (bench/README.md); about 30 minutes with its 1,000,000-entry and 2,000-customer sizes.
bench: deps
	$(BIN)/python bench/server.py

# The quick profile through Django's test client.
bench-client: deps
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles var

# The German translation: after changing a marked string, `make messages` collects the strings
# (Django's makemessages, which needs GNU gettext) and compiles every catalogue with Babel
# (the compiled .mo files are committed: a fresh machine needs no gettext to run the app).
messages: deps
	for app in apps/*/locale; do (cd $$(dirname $$app) && DJANGO_SETTINGS_MODULE=bankdash.settings PYTHONPATH=$(CURDIR) $(CURDIR)/$(BIN)/django-admin makemessages -l de --ignore "tests/*" --no-obsolete); done
	$(BIN)/python manage.py makemessages -l de --no-obsolete --ignore "apps/*" --ignore "node_modules/*" --ignore ".venv/*" --ignore "tests/*" --ignore "staticfiles/*" --ignore "bench/*"
	for dir in locale apps/*/locale; do $(BIN)/pybabel compile -D django -l de -d $$dir; done

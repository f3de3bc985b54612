# BankDash: `make run` serves the app with demo data, `make test` runs the checks.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint deps assets migrate seed bench e2e screenshots clean

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
	@echo "BankDash is at http://127.0.0.1:8000  (Ctrl+C stops it)"
	@echo "  customer: demo@example.com    / bankdash-demo"
	@echo "  support:  staff@example.com   / bankdash-demo"
	@echo "  auditor:  auditor@example.com / bankdash-demo"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: deps
	$(BIN)/ruff check .

test: deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Browser tests only (Debian's Chromium at /usr/bin/chromium; skipped with a reason without it).
e2e: deps
	$(BIN)/python -m pytest tests/e2e

# Retake the screenshots (test-artifacts/screenshots/) and publish the dashboard one to docs/.
screenshots: deps
	BANKDASH_PUBLISH_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e -k screenshots

bench: deps
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles var

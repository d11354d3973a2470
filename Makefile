# Upstander. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The site's address follows PORT for everything make runs, so that the demo's learning
# records, loaded before the server starts, name activities by the address the site serves.
SITE_URL ?= http://localhost:$(PORT)
export SITE_URL

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Could not create $(VENV). On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PIP) install --quiet --upgrade "pip>=25.1"
	$(PIP) install --quiet --group test
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Ralph (an external LRS) for the xAPI forwarding tests, in its own virtualenv so its
# dependencies never mix with the product's. The version is pinned in the requirements file.
RALPH_VENV := .venv-ralph
RALPH_REQUIREMENTS := tests/xapi/ralph-requirements.txt

$(RALPH_VENV)/.installed: $(RALPH_REQUIREMENTS)
	test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet --upgrade "pip>=25.1"
	$(RALPH_VENV)/bin/pip install --quiet -r $(RALPH_REQUIREMENTS)
	touch $@

.PHONY: setup
setup: $(VENV)/.installed node_modules/.installed $(RALPH_VENV)/.installed ## Create .venv (and .venv-ralph) and install Python and npm dependencies

.PHONY: migrate
migrate: setup ## Apply database migrations
	$(PY) manage.py migrate --no-input

.PHONY: demo
demo: migrate ## Load the demo school, people and courses (idempotent)
	$(PY) manage.py load_demo_data
	@if $(PY) manage.py help load_demo_content >/dev/null 2>&1; then $(PY) manage.py load_demo_content; fi

.PHONY: run
run: demo ## Set up, load demo data, and serve the site with its task worker
	HOST=$(HOST) PORT=$(PORT) bin/run-dev

.PHONY: test
test: setup ## Run the whole test suite (DATABASE_URL picks the database)
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: check
check: setup ## Django system checks and the migrations check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

.PHONY: bench
bench: setup ## Run every benchmark under bench/ (see docs/benchmarks.md)
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmarks yet."; fi; \
	for script in "$${scripts[@]}"; do echo "== $$script"; $(PY) $$script || exit 1; done

.PHONY: clean
clean: ## Remove the virtualenv, node_modules and the SQLite database
	rm -rf $(VENV) $(RALPH_VENV) node_modules db.sqlite3 staticfiles

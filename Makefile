# CoPlan: `make run` to try it, `make test` to check it. `make` alone lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed ## Build .venv and install CoPlan with its development tools

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

browser: $(CHROMIUM) ## Install Debian's Chromium for the browser tests

migrate: install ## Bring the database schema up to date
	$(FLASK) db upgrade

run: migrate ## Set up, seed demo data when empty, and serve on http://127.0.0.1:5000
	$(FLASK) seed-demo --if-empty
	@echo ""
	@echo "CoPlan is at http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install ## Check the code with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install browser ## Run ruff and the whole test suite (set TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install ## Run the benchmarks and print their figures
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lighthouse: install browser ## Lighthouse on every parent's page with the demo data (docs/performance.md)
	bench/lighthouse.sh

screenshots: install browser ## Phone-sized screenshots from the demo data, for README.md and the manifest
	$(BIN)/python bin/screenshots.py

.PHONY: help install browser migrate run lint format test bench lighthouse screenshots

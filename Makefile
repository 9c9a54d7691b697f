# Threshold — the two commands a newcomer needs are `make run` and `make test`.
# Each bootstraps the virtual environment in .venv from the pinned requirements.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck unit token bench clean venv

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (Python 3.11)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## make run — local mode: emulated AWS on :4566, the API on :8000, demo data, triggers.
run: venv
	$(BIN)/python -m devstack.run

## make test — lint, types, every test (unit, API, integration, events).
test: lint typecheck unit

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

unit: venv
	$(BIN)/python -m pytest -q

## make token EMAIL=someone@example.com — a local-mode bearer token for any email.
token: venv
	@test -n "$(EMAIL)" || { echo "usage: make token EMAIL=someone@example.com"; exit 2; }
	@$(BIN)/python -m devstack.token "$(EMAIL)"

## make bench — request budgets and cold-import timings as a table.
bench: venv
	$(BIN)/python -m scripts.bench

clean:
	rm -rf $(VENV) .local .mypy_cache .pytest_cache .ruff_cache

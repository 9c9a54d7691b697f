# Threshold — the two commands a newcomer needs are `make run` and `make test`.
# Each bootstraps the virtual environment in .venv from the pinned requirements.

# Python 3.13: the one on PATH, else pyenv's (whose shim refuses a version it has not selected).
PYTHON ?= $(firstword $(shell command -v python3.13 >/dev/null 2>&1 && python3.13 -c '' 2>/dev/null && echo python3.13) $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) python3.13)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck unit token bench clean venv runbook import sweep ts-client

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || { echo "$(PYTHON) is required (Python 3.13)"; exit 1; }
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -qq --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## make run — local mode: emulated AWS on :4566, the API on :8000, demo data, triggers.
## make run DEMO=0 — the same on an empty table (no demo data).
run: venv
	$(if $(filter 0,$(DEMO)),THRESHOLD_DEMO=0 )$(BIN)/python -m devstack.run

## make test — lint, types, every test (unit, API, integration, events, the API contract).
test: lint typecheck ts-client unit

# The TypeScript client check (tests/contract/test_typescript_client.py) needs node and the pinned npm packages.
TS_CLIENT := tools/ts-client
$(TS_CLIENT)/node_modules/.installed: $(TS_CLIENT)/package.json $(TS_CLIENT)/package-lock.json
	@command -v node >/dev/null 2>&1 || { echo "node (20 or newer) and npm are required: the API contract test type-checks a generated TypeScript client"; exit 1; }
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

ts-client: $(TS_CLIENT)/node_modules/.installed

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

# One pytest worker per core; tests sharing a costly session fixture (the `make run` stack, the CDK synth)
# run in one worker (`xdist_group`, tests/conftest.py). `make unit WORKERS=0` runs in this process.
# Bytecode is cached for the run and every process it starts (workers, `make run`, tools), even where the
# environment sets PYTHONDONTWRITEBYTECODE: without it each process compiled the project's modules and
# rewrote the test modules from source again. The cache sits in the virtual environment, never in the
# source tree, whose chalicelib/ chalice packages as it finds it.
WORKERS ?= auto
unit: venv
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache \
		$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadgroup --durations=15

## make token EMAIL=someone@example.com — a local-mode bearer token for any email.
## make token CLIENT=<client id> — an API client's access token (docs/API_CLIENTS.md).
token: venv
	@test -n "$(EMAIL)$(CLIENT)" || { echo "usage: make token EMAIL=someone@example.com | CLIENT=<client id>"; exit 2; }
	@$(BIN)/python -m devstack.token $(if $(CLIENT),--client "$(CLIENT)","$(EMAIL)")

## make runbook NAME=runbook_deactivate_user EVENT=event.json — run a runbook against `make run`.
runbook: venv
	@test -n "$(NAME)" -a -n "$(EVENT)" || { echo "usage: make runbook NAME=runbook_<name> EVENT=event.json"; exit 2; }
	@$(BIN)/python -m devstack.runbook "$(NAME)" "$(EVENT)"

## make import CSV=deals.csv AS=cora.coord@harbormain.example [ORG=o_…] [LOCAL=1] — bulk import deals.
import: venv
	@test -n "$(CSV)" -a -n "$(AS)" || { echo "usage: make import CSV=deals.csv AS=staff@brokerage [ORG=o_…] [LOCAL=1]"; exit 2; }
	@$(BIN)/python -m scripts.import_deals "$(CSV)" --as "$(AS)" $(if $(ORG),--org-id "$(ORG)") $(if $(LOCAL),--local)

## make backfill-open-work [APPLY=1] [LOCAL=1] — old items into the org-level indexes (docs/REPORTS.md).
.PHONY: backfill-open-work
backfill-open-work: venv
	@$(BIN)/python -m scripts.backfill_open_work $(if $(APPLY),--apply) $(if $(LOCAL),--local)

## make sweep — run the reminders sweep once, now, against the running `make run` stack.
sweep: venv
	@$(BIN)/python -m devstack.sweep

## make smoke [STACK=threshold-dev] — walk the main journey against `make run`, or a deployed stage's stack.
.PHONY: smoke
smoke: venv
	@$(BIN)/python -m scripts.smoke $(if $(STACK),--stack "$(STACK)")

## make bench — request budgets and cold-import timings as a table.
bench: venv
	$(BIN)/python -m scripts.bench

## make synth — every stage's CloudFormation template in infra/cdk.out, offline; cdk-nag and cfn-lint checks.
.PHONY: synth
synth: venv
	$(BIN)/python -m infra.synth

clean:
	rm -rf $(VENV) .local .mypy_cache .pytest_cache .ruff_cache infra/cdk.out $(TS_CLIENT)/node_modules $(TS_CLIENT)/build

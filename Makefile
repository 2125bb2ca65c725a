# Carriyo Orders sandbox — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8080
HOST ?= 127.0.0.1
BASE_URL ?= http://127.0.0.1:8080
API_KEY ?= k
TENANT_ID ?= t
CLIENT_ID ?= make
CLIENT_SECRET ?= any
SEED_MODE ?= admin
PYTEST_WORKERS ?= 2
DOCS_PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The spec tools (npm: two linters, and Prism for tests/spec/test_prism_proxy.py), pinned, in a
# folder of their own; Redocly's banners and telemetry off.
LINT_TOOLS ?= .lint-tools
LINT_PACKAGES := @redocly/cli@2.77.0 @stoplight/spectral-cli@6.16.3 @stoplight/prism-cli@5.14.2
SPECS := openapi.yaml openapi-admin.yaml
REDOCLY := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(LINT_TOOLS)/node_modules/.bin/redocly
SPECTRAL := $(LINT_TOOLS)/node_modules/.bin/spectral

.PHONY: help install run test lint docs schemathesis contract selftest-report bench clean \
  reliability-full reliability-report

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its suite and dev tools ([dev])

$(LINT_TOOLS)/.installed: Makefile
	npm install --prefix $(LINT_TOOLS) --no-audit --no-fund --no-update-notifier --loglevel=error \
	  $(LINT_PACKAGES) >/dev/null
	touch $@

run: $(STAMP)  ## start the sandbox on $(HOST):$(PORT) with the bundled fixtures
	$(BIN)/python -m mock_server --host $(HOST) --port $(PORT)

lint: $(STAMP) $(LINT_TOOLS)/.installed  ## ruff, mypy (strict), the import contracts, both specs (Redocly, Spectral), the docs site
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(REDOCLY) lint $(SPECS)
	$(SPECTRAL) lint --fail-severity=warn $(SPECS)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir .site

docs: $(STAMP)  ## serve the docs site (docs/, mkdocs.yml) on $(HOST):$(DOCS_PORT), rebuilt as you edit
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr $(HOST):$(DOCS_PORT)

test: $(STAMP) lint  ## lint, then every test (spec, mock, contract suite, reliability)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

# A bearer token of BASE_URL's POST /oauth/token for CLIENT_ID (any client, on the sandbox).
TOKEN_OF = $(BIN)/python -c 'import json, sys, urllib.request as r; \
  ask = r.Request(sys.argv[1] + "/oauth/token", json.dumps({"client_id": sys.argv[2], \
  "client_secret": sys.argv[3]}).encode(), {"Content-Type": "application/json"}); \
  print(json.load(r.urlopen(ask, timeout=30))["access_token"])'

schemathesis: $(STAMP)  ## plain Schemathesis (all checks) against a running sandbox at BASE_URL
	TOKEN=$$($(TOKEN_OF) $(BASE_URL) $(CLIENT_ID) $(CLIENT_SECRET)) && \
	$(BIN)/schemathesis run openapi.yaml --url $(BASE_URL) -H "Authorization: Bearer $$TOKEN" \
	  -H 'x-api-key: $(API_KEY)' -H 'tenant-id: $(TENANT_ID)' --mode all \
	  --phases examples,coverage,fuzzing,stateful --max-examples 50

BENCH_ARGS ?=
bench: $(STAMP)  ## sandbox vs Prism vs bare Flask, at 100-100,000 orders, MCP list_orders; into docs/benchmarks.md
	$(BIN)/python bench/run.py --write-docs $(BENCH_ARGS)
	$(BIN)/python bench/list_orders.py --write-docs

CONTRACT_ARGS ?=
contract: $(STAMP)  ## the contract suite against BASE_URL (API_KEY, TENANT_ID, CLIENT_ID, CLIENT_SECRET, SEED_MODE, CONTRACT_ARGS)
	CONTRACT_CLIENT_SECRET='$(CLIENT_SECRET)' $(BIN)/python -m pytest contract_tests \
	  -n $(PYTEST_WORKERS) --base-url $(BASE_URL) --client-id $(CLIENT_ID) \
	  --api-key $(API_KEY) --tenant-id $(TENANT_ID) --seed-mode $(SEED_MODE) $(CONTRACT_ARGS)

selftest-report: $(STAMP)  ## the broken and fair variants, tier by tier, into contract_tests/selftest/RESULTS.md; the fair ones over seeds and seed modes into FAIRNESS.md
	$(BIN)/python -m contract_tests.selftest.report
	$(BIN)/python -m contract_tests.selftest.fairness

reliability-full: $(STAMP)  ## tests/reliability with Schemathesis at 500 examples per operation
	RELIABILITY_FUZZ_EXAMPLES=500 RELIABILITY_FUZZ_WORKERS=2 \
	  $(BIN)/python -m pytest tests/reliability -n $(PYTEST_WORKERS) -q

reliability-report: $(STAMP)  ## rerun the reliability figures into tests/reliability/RESULTS.md
	$(BIN)/python -m tests.reliability.report --write

clean:  ## remove the virtual environment, caches, the lint tools and the built docs site
	rm -rf $(VENV) $(LINT_TOOLS) .pytest_cache .ruff_cache .hypothesis .site

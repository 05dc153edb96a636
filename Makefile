# Quick start: `make demo` and `make test`. Both create .venv and install first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TIMED := tests/timed.sh

.PHONY: install demo test lint unit integration e2e scenarios bench clean openapi.json docs/rules.md

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is needed (set PY=/path/to/python3.11)")'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/aftersales demo

lint: $(STAMP)
	@$(TIMED) ruff $(BIN)/ruff check src tests bench
	@$(TIMED) mypy $(BIN)/mypy

unit: $(STAMP)
	@$(TIMED) unit $(BIN)/pytest -q tests/unit

integration: $(STAMP)
	@$(TIMED) integration $(BIN)/pytest -q tests/integration

e2e: $(STAMP)
	@$(TIMED) e2e $(BIN)/pytest -q tests/e2e
	@AFTERSALES_E2E_ENGINE=postgres $(TIMED) e2e-postgres $(BIN)/pytest -q -m "not slow" tests/e2e/api

scenarios: $(STAMP)
	@$(TIMED) scenarios $(BIN)/aftersales scenario run --quiet tests/scenarios/*.yaml

# The whole suite. HYPOTHESIS_PROFILE=ci (set by .ci/run) bounds the property searches.
test: lint unit integration e2e scenarios

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Regenerate the committed API contract after an intended change of the API.
openapi.json: $(STAMP)
	$(BIN)/python -m aftersales.entrypoints.api.openapi > openapi.json

# Regenerate the rules page after changing a pack.
docs/rules.md: $(STAMP)
	$(BIN)/python -m aftersales.entrypoints.rules_doc > docs/rules.md

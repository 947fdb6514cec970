# The two promises of the README: `make site` sets up and builds the sample site;
# `make test` sets up and runs the tests. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the accessibility tests, from the npm registry at the version package-lock.json pins;
# npm keeps its own record of an install here, so a changed lock file installs again.
BROWSER_DEPS := tests/browser/node_modules/.package-lock.json

.PHONY: site test lint serve check clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $(BROWSER_DEPS)

site: $(STAMP)
	$(BIN)/storefront build --strict

test: $(STAMP) $(BROWSER_DEPS)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: $(STAMP)
	$(BIN)/storefront serve

check: $(STAMP)
	$(BIN)/storefront check

clean:
	rm -rf site .cache

# Two commands set everything up: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := examples/rossa-primavera-2022-02-03-opinion.txt

.PHONY: demo test lint typecheck unit install install-test schema clean venv-python

# propwatch needs Python >= 3.11: say so before a venv is made of an older one, and refuse a .venv made of
# one earlier (retrying with another PYTHON had kept failing on the old .venv).
NEEDS_PYTHON = import sys; sys.exit(sys.version_info < (3, 11))

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "'$(PYTHON)' is not a command here. Run: make $(MAKECMDGOALS) \
	PYTHON=python3.11 (or the path of a Python >= 3.11)" >&2; exit 1; }
	@$(PYTHON) -c "$(NEEDS_PYTHON)" 2>/dev/null || { echo "propwatch needs Python >= 3.11; '$(PYTHON)' is \
	$$($(PYTHON) --version 2>&1). Run: make $(MAKECMDGOALS) PYTHON=python3.11 (or python3.12, python3.13)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"

venv-python: | $(BIN)/python
	@$(BIN)/python -c "$(NEEDS_PYTHON)" || { echo "$(VENV) was made with $$($(BIN)/python --version 2>&1); \
	propwatch needs Python >= 3.11. Run: make clean, then make $(MAKECMDGOALS) PYTHON=python3.11" >&2; exit 1; }

$(VENV)/.installed: pyproject.toml | venv-python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | venv-python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# The browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/propwatch analyze $(SAMPLE)

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install-test
	$(BIN)/mypy src

unit: install-test $(CHROMIUM)
	$(BIN)/pytest

test: lint typecheck unit

schema: install
	$(BIN)/propwatch schema > docs/analysis.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

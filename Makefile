# Two commands set everything up: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := examples/rossa-primavera-2022-02-03-opinion.txt

.PHONY: demo test lint typecheck unit install install-test schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
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

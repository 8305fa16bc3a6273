# The two commands a fresh machine needs (see README.md): `make demo` and
# `make test`. Each installs what it needs into .venv first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install demo test lint docs check bench clean array-api

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# CPU builds of the frameworks, pinned (requirements/frameworks.txt), then unigrad itself.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/frameworks.txt
	$(BIN)/python -m pip install -q -r requirements/frameworks.txt -e ".[dev,examples,onnx,docs,models]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/unigrad demo

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# the site, built as CI builds it: a broken link or reference fails the build
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

check: lint docs test

# the official Array API test suite (data-apis/array-api-tests, pinned), on each backend;
# without a checkout and no network it says how to get one and succeeds (see tools/array_api_tests.py)
array-api: install
	$(BIN)/python tools/array_api_tests.py

bench: install
	$(BIN)/python benchmarks/dispatch.py
	$(BIN)/python benchmarks/autograd.py
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/distributed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

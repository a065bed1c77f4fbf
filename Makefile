# aidesk — the two commands of the README, and the checks CI runs.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint install install-dev clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,postgres]'

## run: set up and run the product's main job: the web desk at http://127.0.0.1:8000 (Ctrl-C stops it)
run: install
	$(BIN)/aidesk serve --host 127.0.0.1 --port 8000

## test: the whole test suite (lint and types included)
test: install-dev lint
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## screenshots: refresh the README's pictures of the web desk (docs/screenshots/)
screenshots: install-dev
	AIDESK_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/web/test_browser.py -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

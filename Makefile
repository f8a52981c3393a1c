# Two commands do all the set-up on a fresh machine: `make run` and `make test`. Each first
# brings the Debian packages it needs (scripts/system-deps), or stops with the command to run.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= sillok-data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test demo lint clean system-deps screenshots

$(BIN)/python:
	PY=$(PY) bash scripts/system-deps run
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Builds the fictional demo archive the first time, then serves it.
run: install
	@if [ ! -f "$(DATA)/sillok.db" ]; then $(BIN)/sillok demo --data-dir "$(DATA)"; \
	 else $(BIN)/sillok init --data-dir "$(DATA)"; fi
	$(BIN)/sillok serve --data-dir "$(DATA)" --host $(HOST) --port $(PORT)

# Chromium, Tesseract, a Korean font and PostgreSQL's binaries; the tests start their own
# throwaway PostgreSQL cluster unless SILLOK_TEST_POSTGRES names a server (tests/pg_cluster.py).
system-deps:
	PY=$(PY) bash scripts/system-deps test

test: system-deps install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	@# The suite starts hundreds of Python processes (servers, CLI runs, ingest workers); where
	@# PYTHONDONTWRITEBYTECODE is set (as on CI machines) each compiled all of src again: ~1 s
	@# of CPU each. The bytecode written once here is what they read.
	$(BIN)/python -m compileall -q src
	$(BIN)/pytest -n auto

# Refresh the phone screenshots committed under docs/screenshots (tests write only to
# .artifacts/ unless SILLOK_DOC_SCREENSHOTS=1; tests/browser.py keep_for_docs).
screenshots: system-deps install-test
	SILLOK_DOC_SCREENSHOTS=1 $(BIN)/pytest tests/test_browser_phone.py

# lint-imports: the layers and door contracts in pyproject.toml ([tool.importlinter]).
lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

# Hallway: `make run` serves the demo network, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-sqlite test-postgres test-e2e check install browser xmlsec bench demo clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hallway run

# Every test: on SQLite (with the browser tests), then again on PostgreSQL.
test: $(STAMP) browser xmlsec
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile

test-postgres: $(STAMP)
	@if $(BIN)/python scripts/pg_ready.py "$(PG_TEST_URL)"; then \
	  DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -n 2 --dist loadfile -m "not e2e"; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) is not reachable: CI must run the PostgreSQL tests." >&2; exit 1; \
	else \
	  echo "PostgreSQL at $(PG_TEST_URL) is not reachable: skipping the PostgreSQL pass (set PG_TEST_URL)."; \
	fi

# xmlsec1 signs the SAML assertions of the tests' identity provider (pysaml2).
xmlsec:
	@command -v xmlsec1 >/dev/null || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; \
	  else \
	    echo "Install Debian's xmlsec1 package (sudo apt-get install xmlsec1) for the SAML tests."; \
	  fi; }

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests."; \
	  fi; }

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	HALLWAY_DATA_DIR=$$(mktemp -d) $(BIN)/hallway makemigrations --check --dry-run
	SEMGREP_ENABLE_VERSION_CHECK=0 $(BIN)/semgrep scan --quiet --error --metrics=off --disable-version-check --config .semgrep/permission-layer.yml src/

bench: $(STAMP)
	$(BIN)/python bench/run.py

demo: $(STAMP)
	$(BIN)/hallway demo

clean:
	rm -rf $(VENV) var

# backfit: `make run` sets up and starts the web coach; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/backfit/web/static/vendor/.verified

.PHONY: run test setup system-deps lint typecheck pytest bench clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "backfit needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[pose,dev]'
	touch $(STAMP)

# Front-end packages from the npm registry (lock file integrity) and the pose model
# packed for the browser, each checked against assets.sha256.
$(ASSETS): $(STAMP) package.json package-lock.json assets.sha256 scripts/assets.py scripts/build_pose_task.py
	$(BIN)/python scripts/assets.py
	touch $(ASSETS)

setup: $(STAMP) $(ASSETS)

system-deps:
	scripts/system-deps.sh

run: setup
	$(BIN)/backfit web

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# The whole suite, on SQLite and on a throwaway PostgreSQL server, browser tests in Debian's Chromium.
pytest: setup system-deps
	scripts/test-postgres.sh run -- $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest

bench: setup
	scripts/test-postgres.sh run -- $(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) node_modules src/backfit/web/static/vendor .mypy_cache .pytest_cache .ruff_cache

# backfit: `make run` sets up and starts the web coach; `make test` sets up and runs every check.
SHELL := /bin/bash
# The newest supported interpreter on this machine (backfit runs on 3.11 and 3.12; mediapipe has no 3.13 wheel).
# A command that exists but does not run (a pyenv shim for a version not selected) does not count.
PYTHON ?= $(shell for v in 3.12 3.11; do python$$v -c '' >/dev/null 2>&1 && { echo python$$v; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/backfit/web/static/vendor/.verified

.PHONY: run test setup system-deps lint typecheck pytest bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "backfit needs Python 3.12 or 3.11: neither python3.12 nor python3.11 is on PATH. Install one (e.g. apt-get install python3.11-venv) or run make PYTHON=/path/to/python."; exit 1; }
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))" || { echo "backfit needs Python 3.12 or 3.11; $(PYTHON) is another version."; exit 1; }
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
	scripts/test-postgres.sh run -- $(BIN)/pytest -n 2 --durations=30 $(PYTEST_ARGS)

test: lint typecheck pytest

bench: setup
	scripts/test-postgres.sh run -- $(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) node_modules src/backfit/web/static/vendor .mypy_cache .pytest_cache .ruff_cache

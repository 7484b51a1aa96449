# Two commands on a fresh machine: `make run` (the app) and `make test` (the whole suite).
# Each creates .venv and installs what it needs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.10 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
ALL_STAMP := $(VENV)/.all-installed
ARGS ?=

.PHONY: run test lint bench dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(ALL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[train,dev]"
	touch $@ $(APP_STAMP)

run: $(APP_STAMP)
	$(BIN)/arsl-desktop $(ARGS)

test: $(ALL_STAMP)
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -rs

# The benchmark compares with MediaPipe Holistic (mediapipe 0.10.21, numpy < 2), which the app no
# longer uses: a separate reference venv, for the benchmark only.
HOLISTIC_VENV := .venv-holistic
$(HOLISTIC_VENV)/.installed:
	$(PYTHON) -m venv $(HOLISTIC_VENV)
	$(HOLISTIC_VENV)/bin/pip install -q "mediapipe==0.10.21" "numpy<2"
	touch $@

bench: $(ALL_STAMP) $(HOLISTIC_VENV)/.installed
	$(BIN)/python benchmarks/pipeline_bench.py

# The installable app: dist/arsl-desktop/ and its archive (docs/PACKAGING.md). Needs only the
# dev extra (PyInstaller), not the training stack.
DIST_STAMP := $(VENV)/.dist-installed

$(DIST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(APP_STAMP)

dist: $(DIST_STAMP)
	$(BIN)/python packaging/build_dist.py

clean:
	rm -rf $(VENV) $(HOLISTIC_VENV) build dist

# Two commands on a fresh machine: `make run` (the app) and `make test` (the whole suite).
# Each creates .venv and installs what it needs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3.10 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
ALL_STAMP := $(VENV)/.all-installed
ARGS ?=

.PHONY: run test lint bench bench-personal bench-rescue bench-taught-flow dist clean

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

# Personal signs: teaching one from 3 clips, ranking against 200 x 5 examples, loading 200 from disk.
bench-personal: $(APP_STAMP)
	$(BIN)/python benchmarks/personal_bench.py

# Taught signs through the command line (signs add, recognize --format jsonl) on 960x540, 15 fps
# videos of the sample, beside DTW 1-NN; ARGS="--new-words --model FILE" for a model without them.
bench-taught-flow: $(ALL_STAMP)
	$(BIN)/python benchmarks/taught_flow.py $(ARGS)

# The landmarker's second look at a small face: what it finds and costs, as filmed and as a webcam sees.
bench-rescue: $(APP_STAMP)
	$(BIN)/python benchmarks/rescue_bench.py

# The installable app: dist/arsl-desktop/ and its archive (docs/PACKAGING.md). Built from its own
# venv with the dev extra (PyInstaller), not the training stack, and with OpenCV's headless build
# in place of the full one MediaPipe asks for: the app only reads cameras, videos and images, so
# the Qt 5 HighGUI and contrib modules (about 45 MB) stay out of the bundle. The headless build is
# reinstalled by force: when something already pulled it in, uninstalling the contrib build took
# the shared cv2/ folder with it and left a bundle without OpenCV.
DIST_VENV := .venv-dist
DIST_STAMP := $(DIST_VENV)/.dist-installed

$(DIST_STAMP): pyproject.toml
	$(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install -q -e ".[dev]"
	$(DIST_VENV)/bin/pip uninstall -y -q opencv-contrib-python
	$(DIST_VENV)/bin/pip install -q --no-deps --force-reinstall "opencv-python-headless>=4.10,<5"
	touch $@

dist: $(DIST_STAMP)
	$(DIST_VENV)/bin/python packaging/build_dist.py

clean:
	rm -rf $(VENV) $(HOLISTIC_VENV) $(DIST_VENV) build dist

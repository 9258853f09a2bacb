# Two commands do all the set-up:  `make book`  and  `make test`.
# Both create .venv with python3 if it is missing and install requirements.txt into it.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BOOK_INDEX := _build/html/index.html
JOBS   ?= 2

# Same data, same quiet logs, everywhere: tests and builds use the offline MNIST
# sample (override with DLBOOK_DATA_SOURCE=auto to use Keras's full download).
export DLBOOK_DATA_SOURCE ?= sample
# Trained models are reused within and between runs (tests, book, student edition):
# see src/helpers/cache.py. `make clean` empties it; DLBOOK_MODEL_CACHE=off disables it.
export DLBOOK_MODEL_CACHE ?= $(CURDIR)/_build/model-cache
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
# Two notebooks (or test workers) run side by side on two cores: one TensorFlow thread each for
# running independent operations concurrently (inter-op) avoids oversubscribing them. It changes
# no result (each operation still uses its intra-op threads, whose count does change rounding).
export TF_NUM_INTEROP_THREADS := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export JUPYTER_PLATFORM_DIRS := 1
unexport MPLBACKEND

BOOK_SOURCES := _config.yml _toc.yml references.bib $(wildcard *.md) \
                $(wildcard chapters/*.ipynb chapters/*.md) $(wildcard src/helpers/*.py)
NBVAL := --nbval --nbval-kernel-name python3 --nbval-cell-timeout=300 \
         --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly

# The book's own runs (tests, book, student edition) start their kernels from a process
# that has imported TensorFlow once (tools/prewarmed_kernel.py): the kernel spec
# `python3` under _build/jupyter, found first through JUPYTER_PATH. Each target stops
# that process when it ends, and starts it in the background as it begins, so that its imports
# overlap the runner's own start-up. Your own Jupyter (`make lab`) keeps the standard kernel.
KERNELS     := $(CURDIR)/_build/jupyter
KERNEL_SPEC := $(KERNELS)/kernels/python3/kernel.json
PREWARMED   := export JUPYTER_PATH=$(KERNELS); trap '$(BIN)/python tools/prewarmed_kernel.py stop >/dev/null' EXIT; \
               ($(BIN)/python tools/prewarmed_kernel.py start >/dev/null 2>&1 &);

$(KERNEL_SPEC): $(STAMP) tools/prewarmed_kernel.py
	$(BIN)/python tools/prewarmed_kernel.py install $(KERNELS)

.PHONY: help install book browser-test student test test-nb preview test-fast execute sync lab clean benchmark

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install everything (done by the other targets)

book: $(BOOK_INDEX)  ## build the HTML book, executing every notebook
	@echo "The book is at: $(abspath $(BOOK_INDEX))"

# Rebuilt from clean whenever any source changed; nothing changed: nothing to do.
$(BOOK_INDEX): $(STAMP) $(KERNEL_SPEC) $(BOOK_SOURCES)
	rm -rf _build/html _build/.doctrees _build/jupyter_execute _build/.jupyter_cache
	$(BIN)/python tools/make_downloads.py
	$(PREWARMED) $(BIN)/python tools/execute_into_cache.py
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	$(BIN)/python tools/check_html.py _build/html
	@touch $(BOOK_INDEX)

test: $(STAMP) $(KERNEL_SPEC)  ## every notebook under strict nbval + unit tests of every helper (long notebooks first)
	$(PREWARMED) $(BIN)/python -m pytest -n $(JOBS) --dist loadfile chapters tests $(NBVAL)

test-nb: $(STAMP) $(KERNEL_SPEC)  ## strict nbval on the notebooks named by NB=... only
	$(PREWARMED) $(BIN)/python -m pytest -p no:xdist $(NB) $(NBVAL)

preview: $(STAMP)  ## quick HTML preview of NB=... from saved outputs (no execution)
	$(BIN)/python tools/preview.py $(NB)

test-fast: $(STAMP)  ## unit tests only (no notebooks)
	$(BIN)/python -m pytest -n $(JOBS) tests

execute: $(STAMP)  ## re-execute every notebook in place and save its outputs
	$(BIN)/python tools/sync_notebooks.py
	$(BIN)/python tools/execute_notebooks.py --jobs $(JOBS) $(NB)

sync: $(STAMP)  ## copy the repository URL from _config.yml into every notebook's Colab cell
	$(BIN)/python tools/sync_notebooks.py

student: $(STAMP) $(KERNEL_SPEC)  ## student edition: notebooks without solutions in student/, and its own HTML build
	$(BIN)/python tools/make_student.py --out student
	$(PREWARMED) $(BIN)/python tools/execute_into_cache.py --root student
	$(BIN)/jupyter-book build student --all -W -n --keep-going
	$(BIN)/python tools/check_html.py student/_build/html
	@echo "Student edition: $(abspath student/_build/html/index.html)"

browser-test: $(BOOK_INDEX)  ## visit every built page in headless Chromium; screenshots in _build/browser
	$(BIN)/python tools/browser_test.py _build/html --shots _build/browser

lab: $(STAMP)  ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab chapters

benchmark: $(STAMP)  ## run the scripts in benchmarks/ and print their figures
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:  ## remove the built book and caches (keeps .venv)
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

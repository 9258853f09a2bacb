# Every target creates .venv with python3 if it is missing (or half-made) and installs
# requirements.txt into it. `make help` lists the targets; README.md says what each is for.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BOOK_INDEX := _build/html/index.html
VENDOR := _vendor/vendor/.stamp
JOBS   ?= 2

# Same data everywhere: tests and builds use the offline MNIST sample (4,000 + 1,000 real
# digits); `DLBOOK_DATA_SOURCE=auto make execute` uses Keras's full download where online.
export DLBOOK_DATA_SOURCE ?= sample
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export JUPYTER_PLATFORM_DIRS := 1
# This checkout's helpers, whichever checkout .venv's editable install points at.
export PYTHONPATH := $(CURDIR)/src
unexport MPLBACKEND

BOOK_SOURCES := _config.yml _toc.yml references.bib $(wildcard *.md) \
                $(wildcard chapters/*.ipynb chapters/*.md) $(wildcard src/helpers/*.py) $(VENDOR) \
                $(wildcard _static/* _ext/*.py _ext/*.js)
NBVAL := --nbval --nbval-current-env --nbval-cell-timeout=600 \
         --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly

.PHONY: help install book book-zh pdf browser-test student test-student test test-unit test-nb preview execute sync lab clean benchmark

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# A .venv whose python or pip does not run (an interrupted first `make`, or python3 without
# Debian's python3-venv) is removed and made again instead of being reused.
$(STAMP): requirements.txt pyproject.toml
	@if [ -d $(VENV) ] && ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
	  echo "removing a half-made $(VENV)"; rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed. On Debian/Ubuntu install it first: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install everything (done by the other targets)

# The browser side of the book (Vega-Lite for the explorers, axe-core for the accessibility
# test) comes from the npm registry at build time and is served by the book itself.
$(VENDOR): package.json package-lock.json tools/vendor.py
	@command -v npm >/dev/null || { echo "error: npm not found. On Debian/Ubuntu: sudo apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) tools/vendor.py

# --durations lists the slowest notebook cells at the end: where the time of `make test` goes.
test: test-unit  ## unit tests, then every notebook under strict nbval, each run from its own download
	$(BIN)/python tools/make_downloads.py --extract _build/downloads-test
	PYTHONPATH=$(CURDIR)/tests/simulated_colab $(BIN)/python -m pytest -n $(JOBS) --dist loadfile \
	  --durations=20 _build/downloads-test $(NBVAL)

test-unit: $(STAMP) $(VENDOR)  ## unit tests of every helper, the book's structure and its tools
	$(BIN)/python -m pytest -n $(JOBS) tests

test-nb: $(STAMP)  ## strict nbval on the notebooks named by NB=... only, where they are
	$(BIN)/python -m pytest -p no:xdist $(NB) $(NBVAL)

book: $(BOOK_INDEX)  ## build the HTML book from the notebooks' saved outputs
	@echo "The book is at: $(abspath $(BOOK_INDEX))"

# Built from clean whenever a source changed. Nothing is executed: the pages show the outputs
# that `make execute` saved and `make test` proved; the build refuses stale notebooks.
$(BOOK_INDEX): $(STAMP) $(BOOK_SOURCES)
	rm -rf _build/html _build/.doctrees _build/jupyter_execute
	$(BIN)/python tools/check_notebooks.py
	$(BIN)/python tools/make_downloads.py
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	$(BIN)/python tools/check_html.py _build/html
	$(BIN)/python tools/check_links.py _build/html --ignore zh/
	@touch $(BOOK_INDEX)

# The Chinese edition (中文版), from the same notebooks and saved outputs and the catalogues in
# locales/zh_CN, into _build/html/zh/ beside the English one (each page links the other edition's).
# A release build: it refuses untranslated, fuzzy or out-of-date messages and stale Chinese notebooks.
book-zh: $(BOOK_INDEX)  ## the Chinese edition in _build/html/zh/ (after make book)
	$(BIN)/python tools/i18n.py current
	$(BIN)/python tools/i18n.py check
	$(BIN)/python tools/i18n.py config _build/zh
	$(BIN)/python tools/make_downloads.py --language zh_CN
	rm -rf _build/zh/_build _build/html/zh
	$(BIN)/jupyter-book build . --config _build/zh/_config.yml --toc _build/zh/_toc.yml --path-output _build/zh --all -W -n --keep-going
	cp -r _build/zh/_build/html _build/html/zh
	$(BIN)/python tools/check_html.py _build/html/zh
	$(BIN)/python tools/check_links.py _build/html
	$(BIN)/python tools/i18n.py ratio _build/html/zh
	@echo "The Chinese edition is at: $(abspath _build/html/zh/intro.html)"

# The PDF edition, from the same saved outputs, with Sphinx's LaTeX builder and XeLaTeX (for the
# Chinese titles). Its copy in downloads/ is what the HTML's download menu links (make book after it).
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-lang-chinese latexmk fonts-noto-cjk fonts-dejavu
pdf: $(STAMP)  ## the PDF edition: _build/latex/book.pdf (needs TeX Live from Debian: see the message)
	@for t in xelatex latexmk; do command -v $$t >/dev/null || { echo "error: '$$t' not found. The PDF needs TeX Live; on Debian/Ubuntu: sudo apt-get install $(TEX_PACKAGES)"; exit 1; }; done
	@fc-list | grep -q "Noto Serif CJK SC" || { echo "error: the Noto CJK fonts are missing; on Debian/Ubuntu: sudo apt-get install fonts-noto-cjk"; exit 1; }
	$(BIN)/python tools/check_notebooks.py
	rm -rf _build/latex
	$(BIN)/jupyter-book build . --builder pdflatex
	$(BIN)/python tools/check_pdf.py _build/latex/book.pdf
	mkdir -p downloads && cp _build/latex/book.pdf downloads/book.pdf

preview: $(STAMP) $(VENDOR)  ## quick HTML preview of NB=... from saved outputs
	$(BIN)/python tools/preview.py $(NB)

execute: $(STAMP) $(VENDOR)  ## re-execute every notebook (or NB=...) in place, save its outputs and source hash
	$(BIN)/python tools/sync_notebooks.py
	$(BIN)/python tools/execute_notebooks.py --jobs $(JOBS) $(NB)

sync: $(STAMP)  ## copy the repository URL into every Colab cell; quizzes, glossary links, instructor guide
	$(BIN)/python tools/sync_notebooks.py

student: $(STAMP) $(VENDOR)  ## student edition in student/: solutions removed, "your turn" stubs, its own HTML
	$(BIN)/python tools/make_student.py --out student
	$(BIN)/jupyter-book build student --all -W -n --keep-going
	$(BIN)/python tools/check_html.py student/_build/html
	$(BIN)/python tools/check_links.py student/_build/html
	@echo "Student edition: $(abspath student/_build/html/index.html)"

test-student: student  ## execute the student edition end to end (the weekly workflow runs it)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
	  -p no:randomly student/chapters

browser-test: $(BOOK_INDEX)  ## every built page in headless Chromium, other hosts blocked; screenshots in _build/browser
	$(BIN)/python tools/browser_test.py _build/html --shots _build/browser

lab: $(STAMP)  ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab chapters

benchmark: $(STAMP)  ## time every notebook in a plain kernel, and the make targets
	$(BIN)/python benchmarks/bench_book.py --all

clean:  ## remove the built book and caches (keeps .venv)
	rm -rf _build student _vendor .pytest_cache .hypothesis
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

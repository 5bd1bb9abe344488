# The tech-coops zine. `make` sets everything up and builds every issue; `make test` tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build
ISSUES := $(sort $(notdir $(wildcard issues/*)))

.DEFAULT_GOAL := all
.PHONY: all help setup deps test-deps build check test lint typecheck pytest clean bench \
	$(ISSUES) $(addsuffix -booklet,$(ISSUES))

all: build ## set up and build every issue (EPUB, PDF, HTML) into build/

help: ## this list
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16
	@echo "<issue-id>      build one issue: $(ISSUES)"

setup: $(VENV)/.installed ## create .venv and install the package with its test tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,import]'
	touch $@

deps: ## install missing Debian packages needed to build (Pango, fonts)
	@tools/system-deps build

test-deps: ## install what the tests need (JRE, poppler, Chromium, Node.js, LibreOffice Writer; npm ci of tools/checkers)
	@tools/system-deps test

build: setup deps ## build every issue
	$(BIN)/zine build --out $(OUT)

$(ISSUES): setup deps
	$(BIN)/zine build --out $(OUT) $@

$(addsuffix -booklet,$(ISSUES)): setup deps
	$(BIN)/zine build --out $(OUT) --format booklet $(@:-booklet=)

check: setup ## validate every issue (zine check)
	$(BIN)/zine check

lint: setup
	$(BIN)/ruff check zine tests tools bench

typecheck: setup
	$(BIN)/mypy

pytest: setup test-deps
	$(BIN)/pytest -q

test: lint typecheck pytest ## ruff, mypy and the test suite (EPUBCheck, Nu checker, PDF read-back)

bench: setup deps ## time zine build against Pandoc on a generated corpus (not part of test)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean: ## remove build output and caches (keeps .venv)
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis

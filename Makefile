# Set-up and checks. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench,spark]'
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/retold analyze examples/seeds --out out/
	@echo "report: out/report.html"

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/dedup_speed.py --skip-slow
	$(BIN)/python benchmarks/pan13_alignment.py --workers 2
	$(BIN)/python benchmarks/quotes_polnear.py
	$(BIN)/python benchmarks/stories_ecbplus.py
	$(BIN)/python benchmarks/stories_googlenews.py
	$(BIN)/python benchmarks/stories_incremental.py
	$(BIN)/python benchmarks/embed_speed.py
	$(BIN)/python benchmarks/report_size.py --skip-unbudgeted

clean:
	rm -rf out .pytest_cache .ruff_cache

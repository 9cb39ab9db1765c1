# Quick start: `make reproduce` (all theorem checks and figures) and `make test`.
# Each target builds its own virtual environment and installs the package from scratch.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HYPOTHESIS_PROFILE ?= ci

.PHONY: reproduce test bench venv clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/activate
	$(BIN)/python -m pip install --quiet ".[test]"

reproduce: venv
	$(BIN)/revsgd verify && $(BIN)/revsgd figures && $(BIN)/revsgd experiment digits --quick --quiet --out figures/out/digits --json figures/out/digits/digits.json

test: venv
	REVSGD_TEST_INSTALLED=1 HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(BIN)/python -m pytest -q -n 2 tests

bench: venv
	$(BIN)/revsgd bench

clean:
	rm -rf $(VENV) build *.egg-info figures/out .hypothesis

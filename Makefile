# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test

# The virtualenv is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	$(BIN)/mast neo4j build

run: setup
	$(BIN)/mast neo4j start
	$(BIN)/mast db migrate
	$(BIN)/mast demo
	MAST_ENV=development $(BIN)/mast serve

test: setup
	$(BIN)/pytest

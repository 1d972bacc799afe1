# The README's two commands: `make run` and `make test`. Everything they need,
# these targets install into .venv; nothing is installed by hand.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint install demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	scripts/apt-install.sh fonts-dejavu-core gettext
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install lint
	scripts/install-browser.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Migrates, loads and solves the demo districts, then serves the app with the
# database task worker beside it. Ctrl-C stops both.
run: install
	DJANGO_SETTINGS_MODULE=config.settings.local scripts/run-demo.sh $(PORT)

bench: install
	$(BIN)/python -m solver bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

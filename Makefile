# The two commands: `make run` (demo on http://127.0.0.1:8000/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrations-check demo-data fixtures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the dependencies change.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(INSTALLED)

install: $(INSTALLED)

demo-data: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

run: demo-data
	@echo ""
	@echo "  Open Letter Tracker: http://$(HOST):$(PORT)/"
	@echo "  Admin:               http://$(HOST):$(PORT)/admin/"
	@echo "  (create a login first with: $(BIN)/python manage.py createsuperuser)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild fixtures/ from ../shared/data/letters (the committed fixture is the result).
fixtures: install
	$(BIN)/python manage.py build_fixtures

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

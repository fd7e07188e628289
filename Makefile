# The two commands: `make run` (demo on http://127.0.0.1:8000/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: install run serve test lint format migrations-check demo-data fixtures bench clean

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

# Production mode on this machine: gunicorn with DJANGO_ENV=production, collected and
# compressed static files, on plain http://$(HOST):$(PORT)/. Without SECRET_KEY in the
# environment, one is generated once into var/secret_key (git-ignored, mode 600).
serve: install
	@if [ -z "$$SECRET_KEY" ] && [ ! -s var/secret_key ]; then \
		mkdir -p var && umask 077 && \
		$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key; \
	fi
	export DJANGO_ENV=production SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py load_demo && \
	echo "  Open Letter Tracker (production mode): http://$(HOST):$(PORT)/" && \
	exec $(BIN)/gunicorn tracker.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile -

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

# Load-test pages under gunicorn with wrk on 127.0.0.1 (about 7 minutes; see bench/README.md).
# Installs wrk with apt when it is missing and we are root.
bench: install
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq wrk; \
		else \
			echo "make bench needs wrk: sudo apt-get install wrk" >&2; exit 1; \
		fi; \
	}
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# The two commands: `make run` (demo on http://127.0.0.1:8000/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-run
INSTALLED_DEV := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: install install-dev messages run serve serve-production worker test chromium lint typecheck format upgrade demo-data fixtures bench bench-signups bench-import bench-exports bench-jobs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What running the site needs (`make run`, `make serve`), and with the test and lint tools
# (`make test`, `make lint`, `make typecheck`). Every version comes from constraints.txt,
# so each machine and each CI run installs the same ones; reinstalled when either changes.
PIP := $(BIN)/python -m pip --disable-pip-version-check
$(INSTALLED): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $(INSTALLED)

$(INSTALLED_DEV): $(INSTALLED)
	$(PIP) install --quiet -c constraints.txt -e ".[test,lint]"
	touch $(INSTALLED_DEV)

install: $(INSTALLED) messages

install-dev: $(INSTALLED_DEV) messages

# The French interface: compile the translation catalogues (locale/ for the templates,
# letters/locale/ for the Python strings) into the .mo files Django reads (git-ignored;
# each is rebuilt only when its .po is newer). compilemessages needs GNU gettext's msgfmt:
# Debian's gettext is installed with apt when it is missing and we are root.
messages: $(INSTALLED)
	@command -v msgfmt >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing gettext to compile the translations (apt-get install gettext)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
		else \
			echo "Compiling the translations needs msgfmt: sudo apt-get install gettext" >&2; exit 1; \
		fi; \
	}
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore='.venv-*' --verbosity 0

# Refresh constraints.txt deliberately: the newest releases that pyproject.toml allows,
# installed into a throwaway environment and frozen. Review the diff, run the tests, commit.
upgrade:
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/python -m pip install --quiet --upgrade pip
	.venv-upgrade/bin/python -m pip install --quiet -e ".[test,lint]"
	.venv-upgrade/bin/python -m pip freeze --exclude-editable --all | grep -v -e '^pip==' -e '^setuptools==' > constraints.txt
	rm -rf .venv-upgrade
	@echo "constraints.txt refreshed: review 'git diff constraints.txt', then make test."

demo-data: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

# `$(call with_worker,COMMAND)`: COMMAND in the foreground and a background-job worker
# (manage.py worker: queued tasks and the schedule) beside it, in a process group of its
# own, stopped with everything it started when COMMAND ends or on Ctrl-C: no worker is
# left running.
define with_worker
	@setsid $(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill -TERM -$$worker 2>/dev/null; wait $$worker 2>/dev/null; trap - EXIT' EXIT INT TERM HUP; \
	$(1)
endef

run: demo-data
	@echo ""
	@echo "  Open Letter Tracker: http://$(HOST):$(PORT)/"
	@echo "  Admin:               http://$(HOST):$(PORT)/admin/"
	@echo "  (create a login first with: $(BIN)/python manage.py createsuperuser)"
	@echo "  A worker runs beside the server: emails, long admin actions, the schedule."
	@echo ""
	$(call with_worker,$(BIN)/python manage.py runserver $(HOST):$(PORT))

# A background-job worker on its own (more of them, or on other machines: see README).
worker: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py worker

# Production mode on this machine: gunicorn with DJANGO_ENV=production (threaded workers,
# gunicorn.conf.py), collected and compressed static files, on plain
# http://$(HOST):$(PORT)/, and one background-job worker beside it. Without SECRET_KEY in
# the environment, one is generated once into var/secret_key (git-ignored, mode 600).
serve: install
	@if [ -z "$$SECRET_KEY" ] && [ ! -s var/secret_key ]; then \
		mkdir -p var && umask 077 && \
		$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key; \
	fi
	DJANGO_ENV=production SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(MAKE) --no-print-directory serve-production

# `make serve` with its environment set.
serve-production:
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "  Open Letter Tracker (production mode): http://$(HOST):$(PORT)/ and one worker"
	$(call with_worker,$(BIN)/gunicorn tracker.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -)

test: install-dev messages chromium
	$(BIN)/python -m pytest

# The browser tests drive Debian's Chromium (Playwright cannot download its own browser
# here): installed with apt when missing and we are root; otherwise they are skipped, and
# under CI=true a skipped browser test fails the run.
CHROMIUM_PATH ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
		if [ "$(CHROMIUM_PATH)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo ""; \
			echo "!!! Chromium not found at $(CHROMIUM_PATH): the browser tests will be SKIPPED."; \
			echo "!!! Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH)."; \
			echo ""; \
		fi; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# mypy with django-stubs over letters/, tracker/ and demo/ (configured in pyproject.toml).
typecheck: install-dev
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild fixtures/ from ../shared/data/letters (the committed fixture is the result).
fixtures: install
	$(BIN)/python manage.py build_fixtures

# Load-test pages under gunicorn with wrk on 127.0.0.1, then a mix of 250 URLs with and
# without writes to one letter (about 14 minutes; see bench/README.md).
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

# Public sign-ups under load: gunicorn on SQLite, 200 concurrent sign-ups with duplicates,
# then 30 a second for a minute, then a burst from one address (about 2 minutes).
bench-signups: install
	$(BIN)/python -m bench.signup_load

# Importing 100,000 new organisations as signatories against plain bulk_create of the same
# rows, and the import's peak memory, on a throwaway SQLite database (or DATABASE_URL).
bench-import: install
	$(BIN)/python -m bench.import_bench

# Peak memory and time of the CSV and JSON downloads at 1,000 and 100,000 rows, on a
# throwaway SQLite database (about 2 minutes); flat memory means streaming works.
bench-exports: install
	$(BIN)/python -m bench.export_bench

# Emails through the outbox and a real worker against sending in the request, and a
# status action as a resumable job against one transaction (about a minute).
bench-jobs: install
	$(BIN)/python -m bench.jobs_bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache test-results

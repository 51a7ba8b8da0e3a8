# The two commands a newcomer needs: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test lint format migrate serve clean messages bench backup restore

help:
	@echo "make demo    install, migrate, load the demo case and serve it on http://127.0.0.1:$(PORT) (with a capture worker)"
	@echo "make test    install and run the whole test suite (DATABASE_URL honoured; SQLite if unset)"
	@echo "make lint    ruff check and format check"
	@echo "make serve   production server (gunicorn) on 127.0.0.1:$(PORT)"
	@echo "make bench   seed 100,000 claims on PostgreSQL and measure (see docs/performance.md)"
	@echo "make backup  pg_dump DATABASE_URL into backups/ (make restore FILE=... into an empty one)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

MO := locale/fr/LC_MESSAGES/django.mo

install: $(STAMP) .env $(MO)

# Translation catalogues are committed as .po and compiled here (Babel: no system gettext needed).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel compile -d locale -D django -l $*

# After changing user-facing text: refresh the French catalogue, translate, commit the .po.
messages: install
	$(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=tests --ignore=staticfiles

# A fresh SECRET_KEY for this checkout, never committed (.env is git-ignored).
.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "wrote .env with a new SECRET_KEY"

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo --accounts
	@echo "site:  http://127.0.0.1:$(PORT)/"
	@echo "admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "worker: captures cited sources in the background (manage.py db_worker)"
	@# The worker beside the server; Ctrl-C (or the server stopping) stops both.
	@DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

serve: install
	$(BIN)/python manage.py collectstatic --noinput
	GUNICORN_BIND=127.0.0.1:$(PORT) $(BIN)/gunicorn factcheck.wsgi  # settings: gunicorn.conf.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Needs PostgreSQL on 127.0.0.1:5432 (started if down) and wrk (installed if missing).
bench: install
	pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n 1) main start
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

# Backups of a PostgreSQL DATABASE_URL (docs/reliability.md). pg_dump's custom format keeps
# everything: rows, history, triggers, search configurations. BACKUP_FILE names the dump.
BACKUP_DIR ?= backups
BACKUP_FILE ?= $(BACKUP_DIR)/factcheck-$(shell date -u +%Y%m%dT%H%M%SZ).dump

backup:
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "DATABASE_URL must point at PostgreSQL"; exit 2;; esac
	mkdir -p $(dir $(BACKUP_FILE))
	pg_dump --format=custom --no-owner --file="$(BACKUP_FILE)" "$$DATABASE_URL"
	@echo "backup written to $(BACKUP_FILE)"

# Into an empty database only: restoring over live data would mix two newsrooms' histories.
restore:
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/factcheck-....dump"; exit 2)
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "DATABASE_URL must point at PostgreSQL"; exit 2;; esac
	@test "$$(psql "$$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 \
		|| (echo "refusing to restore: the database is not empty (createdb a new one)"; exit 3)
	pg_restore --no-owner --exit-on-error --single-transaction --dbname="$$DATABASE_URL" "$(FILE)"
	@echo "restored $(FILE)"

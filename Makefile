# Two commands: `make run` (demo portal on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

PORT ?= 8000

.PHONY: run test lint install clean system-deps

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# PDFs embed a Chinese font (Noto CJK) through WeasyPrint, which needs Pango; the tests render
# PDF pages with poppler's pdftoppm to prove they do not print blank. All come from Debian's
# packages, installed here when missing (as root), otherwise named.
SYSTEM_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
system-deps:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q . || ! ldconfig -p | grep -q libpangoft2 || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null 2>&1 \
	    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; }; \
	  else echo "PDFs need a Chinese font and Pango, their tests poppler: sudo apt-get install -y $(SYSTEM_PACKAGES)"; fi; \
	fi

# The task worker (django-tasks, database queue) runs beside the web server and stops with it.
run: $(STAMP) system-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --url http://127.0.0.1:$(PORT)/
	@trap 'kill 0' INT TERM EXIT; $(PY) manage.py db_worker --interval 1 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# axe-core (accessibility rules) is injected into pages by the browser tests.
AXE := node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1

# Without npm (a bare machine) the accessibility checks are skipped with a printed reason; CI installs npm.
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --no-save --no-package-lock --no-audit --no-fund axe-core@$(AXE_VERSION); \
	else \
	  echo "npm not found: axe-core accessibility checks will be skipped (apt-get install -y npm)"; \
	fi

test: $(STAMP) $(AXE) system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Two commands: `make run` (demo portal on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

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

test: $(STAMP) $(AXE)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

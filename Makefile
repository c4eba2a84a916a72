# Parallax: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
# Test processes (pytest-xdist): each builds its own test database and seed story; 0 runs
# the suite in make's own pytest process. A worker that runs out of tests takes some of the
# other's (worksteal): the two finish together however long the last tests are, and the tests
# of seconds start first (tests/conftest.py), so that none is left running alone at the end.
TEST_WORKERS ?= 2
# The first Python >= 3.12 on PATH (pyenv reads .python-version).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: install run seed test test-cluster lint format bench clean

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Parallax needs Python >= 3.12 (Django 6). Install it, e.g. 'pyenv install 3.12'."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	@touch $@

seed: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py match_claims --story syria-ceasefire-2016

run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Parallax is serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)."
	@echo "Reading needs no account. To import and edit, create one first:"
	@echo "  $(BIN)/python manage.py createsuperuser"
	@# The task worker runs the imports started in the browser; it stops when gunicorn does.
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile -

test: install
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here."; exit 1; fi; exit $$rc

# The cluster test (tests/cluster/, README "The cluster test"): two app servers and two task
# workers on hosts made with network namespaces, against this machine's PostgreSQL and Redis.
# It needs root; `make test` leaves it out.
test-cluster: install
	$(BIN)/python -m pytest tests/cluster -m cluster

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/segment.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/match.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/queues.py
	$(BIN)/python bench/copies.py

clean:
	rm -rf $(VENV) var .pytest_cache

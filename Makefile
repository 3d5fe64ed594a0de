# make run: install what is missing, then start the whole service on http://127.0.0.1:8000
#           (embedded Redis, database migrated and seeded with demo data, workers, web).
# make test: install what is missing, then lint, type-check and run the whole test suite.
VENV := .venv
PY := $(VENV)/bin/python


.PHONY: setup run demo test lint typecheck pytest bench samples docs clean

setup:
	@bash scripts/bootstrap.sh

run: setup
	$(PY) -m formfill up

demo: setup
	$(PY) -m formfill demo

test: setup lint typecheck pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck:
	$(VENV)/bin/mypy

pytest:
	$(VENV)/bin/pytest -q

bench: setup
	$(PY) bench/fill.py

samples: setup
	$(PY) sample_forms/build.py
	$(PY) templates/build_templates.py

docs: setup
	$(PY) -m formfill.profile.docs docs

clean:
	rm -rf instance/out .pytest_cache .mypy_cache .ruff_cache

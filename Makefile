# Two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi.py

.PHONY: run test fuzz install db translations clean bench load

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

translations: install
	$(BIN)/pybabel compile -f -d translations >/dev/null

db: install translations
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	@# the demo's reporting periods (those that exist stay as edited)
	$(BIN)/flask calendar 2026

run: db
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# the suite spreads over TEST_WORKERS processes (pytest-xdist); TEST_WORKERS=0 runs it in one
TEST_WORKERS ?= 2

test: install translations
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# hypothesis at the full depth of issue 8: 500 examples per form, SQLite and PostgreSQL
fuzz: install translations
	FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -n $(TEST_WORKERS) tests/test_fuzz_forms.py $(PYTEST_ARGS)

bench: install translations
	$(BIN)/python -m bench.browser

load: install translations
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) instance .pytest_cache

# Two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi.py

.PHONY: run run-province test test-fast fuzz install install-dev db db-province translations clean bench load lighthouse s3rver

# `make run` needs only the runtime requirements; the tests and tools come on top for
# `make test` (each stamp is remade when its requirements file changes)
$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

translations: install
	$(BIN)/pybabel compile -f -d translations >/dev/null

db: install translations
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	@# the demo's reporting periods (those that exist stay as edited)
	$(BIN)/flask calendar 2026

# the web server, and beside it the worker that sends e-mail (to files in instance/mail/ when
# no SMTP_HOST is set) and the reminders and digests; stopping make stops both
run: db
	$(BIN)/flask worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# the province demo (issue 31): Bình Lư, three sample communes and the province's own accounts
# in one deployment, on a database of its own beside make run's (`flask demo accounts` lists
# who signs in); the same virtualenv, the same worker beside the server
PROVINCE_ENV := DATABASE_URL=sqlite:///$(CURDIR)/instance/province.sqlite \
	AUDIT_ANCHORS=$(CURDIR)/instance/province-audit-anchors.txt \
	MAIL_SINK_DIR=$(CURDIR)/instance/mail-province

db-province: install translations
	mkdir -p instance
	$(PROVINCE_ENV) $(BIN)/flask db upgrade
	@# Bình Lư, the samples, every commune's reporting periods and the province's accounts
	$(PROVINCE_ENV) $(BIN)/flask seed --province

run-province: db-province
	export $(PROVINCE_ENV); \
	$(BIN)/flask worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# the suite spreads over TEST_WORKERS processes (pytest-xdist); TEST_WORKERS=0 runs it in one
TEST_WORKERS ?= 2

# s3rver, a real S3-compatible server (Node), for the evidence store's S3 tests; where npm
# is missing those tests skip, unless REQUIRE_S3=1 (CI), when they fail
S3RVER := tests/s3rver/node_modules/.bin/s3rver
s3rver:
	@if [ ! -x $(S3RVER) ] && command -v npm >/dev/null 2>&1; then \
	  npm ci --silent --no-audit --no-fund --prefix tests/s3rver >/dev/null \
	  || echo "s3rver could not be installed: the S3 tests will skip"; fi

# the whole suite: browser journeys, fuzzing, crash and race tests included (CI runs this)
test: install-dev translations s3rver
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=25 $(PYTEST_ARGS)

# the inner loop: everything but the tests marked slow (tests/conftest.py says which)
test-fast: install-dev translations s3rver
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow" $(PYTEST_ARGS)

# hypothesis at full depth: every form, every page's query string, spreadsheets; both databases
fuzz: install-dev translations
	FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -n $(TEST_WORKERS) tests/test_fuzz_*.py tests/test_*_fuzz.py $(PYTEST_ARGS)

bench: install-dev translations
	$(BIN)/python -m bench.browser

load: install-dev translations
	$(BIN)/python -m bench.load

# Lighthouse's mobile profile on each role's main pages (npm installs it into bench/lighthouse/)
lighthouse: install-dev translations
	$(BIN)/python -m bench.lighthouse

clean:
	rm -rf $(VENV) instance .pytest_cache

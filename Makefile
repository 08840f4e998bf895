# Vigie: `make run` runs the bot, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
COUNTRY ?=
# The exact versions the tests ran with: every install uses them (`make lock` refreshes them).
CONSTRAINTS := constraints.txt

.PHONY: run test install lint typecheck pytest publish bench extract update-catalogs compile-catalogs clean lock browse map-images

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	@touch $@ $(STAMP)

# Refresh constraints.txt: resolve pyproject.toml's ranges afresh in a throw-away venv (the newest
# versions they allow), then record them. Run `make test` afterwards and commit both if it passes.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[test]'
	{ echo "# Exact versions the tests ran with; made by \`make lock\` from pyproject.toml."; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > $(CONSTRAINTS)
	rm -rf .lock-venv

install: $(STAMP) compile-catalogs

compile-catalogs: $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales -D vigie

# Build (or refresh) the database from data/ when the files changed, then run the bot:
# on Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the offline console chat.
run: $(STAMP) compile-catalogs
	$(BIN)/vigie data publish --if-stale --who make-run
ifneq ($(COUNTRY),)
	$(BIN)/vigie show $(COUNTRY)
else
	$(BIN)/vigie run
endif

test: $(TEST_STAMP) compile-catalogs lint typecheck pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks

typecheck: $(TEST_STAMP)
	$(BIN)/mypy bot

pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

publish: $(STAMP)
	$(BIN)/vigie data publish

# Maintainers browse the published database in a browser, read-only: a consistent snapshot
# (SQLite's online backup: safe while the bot runs) served by Datasette on 127.0.0.1 with the
# users' tables and SQL off (deploy/datasette.yml). A fresh clone publishes data/ first.
BROWSE_DB ?= $(or $(VIGIE_DB),data/vigie.db)
BROWSE_PORT ?= 8001
browse: $(STAMP)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[browse]'
	@test -f $(BROWSE_DB) || $(BIN)/vigie --db $(BROWSE_DB) data publish --who make-browse
	$(BIN)/python -m bot.store.snapshot $(BROWSE_DB) $(VENV)/browse/vigie.db
	$(BIN)/datasette serve --immutable $(VENV)/browse/vigie.db --metadata deploy/datasette.yml \
		--host 127.0.0.1 --port $(BROWSE_PORT)

bench: $(TEST_STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# The README's maps (docs/map-africa.png, docs/map-mali.png), drawn from data/ as a reader sees them.
map-images: $(STAMP) compile-catalogs
	$(BIN)/python -m bot.maps --out docs

extract: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -k _ -k N_ -k ngettext:1,2 \
		-o locales/vigie.pot bot

update-catalogs: extract
	$(BIN)/pybabel update --no-fuzzy-matching -i locales/vigie.pot -d locales -D vigie

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

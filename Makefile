# Vigie: `make run` runs the bot, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
COUNTRY ?=

.PHONY: run test install lint typecheck pytest publish bench extract update-catalogs compile-catalogs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(STAMP)

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

bench: $(TEST_STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

extract: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -k _ -k N_ -k ngettext:1,2 \
		-o locales/vigie.pot bot

update-catalogs: extract
	$(BIN)/pybabel update --no-fuzzy-matching -i locales/vigie.pot -d locales -D vigie

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

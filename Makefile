# Two entry points for a fresh machine (Python 3.11 and make): `make run` and `make test`.
PYTHON ?= python3.11
DAGSTER_PORT ?= 3000
VENV ?= .venv
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: run test test-fast pytest-fast dbt-unit lint install clean dev

$(BIN)/ai-telemetry: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/ai-telemetry

## Run the main job end to end on DuckDB (generates a sample organisation when the landing folder is empty).
run: install
	$(BIN)/ai-telemetry run

## Every test: ruff, sqlfluff, the catalog check, pytest (which includes dbt build and dbt's tests on generated
## data), on both cores: each test process builds the suite's generated organisation once.
test: install lint
	$(BIN)/pytest -q -n 2 --dist load -m "not fast_only" $(PYTEST_ARGS)

## The inner loop, under a minute: lint, dbt's unit tests, and the tests that build nothing (`-m "not slow"`).
test-fast: install
	$(MAKE) --no-print-directory -j2 lint pytest-fast

pytest-fast: install
	$(BIN)/pytest -q -m "not slow" -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The dbt templater opens the profile's DuckDB file: give it a scratch one, never the user's warehouse.
	mkdir -p target/sqlfluff
	AI_TELEMETRY_HOME=$(CURDIR)/target/sqlfluff $(BIN)/sqlfluff lint --processes 2 models macros tests/dbt
	@# Generated metric catalog, versions, changelog and CODEOWNERS must match the semantic layer.
	$(BIN)/ai-telemetry catalog --check
	@# The genai-prices seed must match the pinned genai-prices.
	$(BIN)/python scripts/model_prices.py --check

## Dagster's UI on http://127.0.0.1:$(DAGSTER_PORT) (instance under $AI_TELEMETRY_HOME/dagster, usage telemetry off).
dev: install
	@# The instance's dagster.yaml (telemetry off, run monitoring on) is written by the project, as `run` does.
	DAGSTER_HOME=$$($(BIN)/python -c "from orchestration.pipeline import dagster_home; from orchestration.paths import Paths; print(dagster_home(Paths.from_env()))") \
		$(BIN)/dagster dev -m orchestration.definitions -m orchestration.fresh_definitions -h 127.0.0.1 -p $(DAGSTER_PORT)

clean:
	rm -rf $(VENV) target logs

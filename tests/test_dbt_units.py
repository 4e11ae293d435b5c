"""dbt's unit tests (the `unit_tests:` YAML beside the models), on an empty warehouse: the inner loop's check
of model logic, with no data to build. `make test` leaves it out: every full build there (the suite's
organisation first) runs the same unit tests before the models they test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.dbt import dbt_env, run_dbt
from orchestration.loader import load
from orchestration.paths import PROJECT_DIR


@pytest.mark.fast_only
def test_every_dbt_unit_test_passes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    load(home / "landing", home / "warehouse.duckdb")  # the raw tables, empty
    # `--empty` builds every model with no rows, which gives each unit test the input relations it reads.
    result = run_dbt("build", "--empty", "--exclude", "test_type:data", home=home, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    results = json.loads((home / "dbt_target" / "run_results.json").read_text())["results"]
    units = [r for r in results if r["unique_id"].startswith("unit_test.")]
    declared = sum(
        path.read_text().count("\n  - name: ") for path in (PROJECT_DIR / "models").rglob("*__unit_tests.yml")
    )
    assert len(units) == declared >= 11 and all(r["status"] == "pass" for r in units), units
    # dbt's log is the home's, at info level: no statement-by-statement debug lines.
    log = (home / "logs" / "dbt.log").read_text()
    assert "Running with dbt=" in log and "[debug]" not in log


def test_dbt_logs_in_the_home_at_info_unless_the_environment_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBT_LOG_PATH", raising=False)
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    env = dbt_env(tmp_path / "home", tmp_path / "profiles")
    assert (env["DBT_LOG_PATH"], env["DBT_LOG_LEVEL_FILE"]) == (str(tmp_path / "home" / "logs"), "info")
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    assert dbt_env(tmp_path / "home", tmp_path / "profiles")["DBT_LOG_LEVEL_FILE"] == "debug"

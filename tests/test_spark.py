"""The same dbt project on Spark: `ai-telemetry spark` on a generated organisation builds every model and runs
every data test on a local Spark session, and every mart equals the DuckDB build of the same raw rows. The
comparison itself is shown to catch a changed number and a missing row."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.paths import Paths
from orchestration.spark import NOT_COMPARED, compare_mart, run_spark, spark_home

pytestmark = pytest.mark.slow


def test_every_mart_equal_on_spark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One test, one Spark build (about 5 minutes): test processes do not share module fixtures."""
    if not shutil.which("java"):
        if os.environ.get("REQUIRE_JAVA"):
            pytest.fail("REQUIRE_JAVA is set but no java is installed")
        pytest.skip("Spark needs Java 17 on the PATH")
    paths = Paths(tmp_path / "home")
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    assert run_spark(paths, developers=12, days=21, seed=7, tests=True) == 0
    every_mart_equal(paths)
    every_model_and_test_ran(paths)
    comparison_catches_a_changed_number_and_a_missing_row(paths, tmp_path)


def every_mart_equal(spark_home_built: Paths) -> None:
    report = json.loads((spark_home(spark_home_built) / "comparison.json").read_text())
    marts = {m["mart"]: m for m in report["marts"]}
    manifest = json.loads((spark_home_built.home / "dbt_target" / "manifest.json").read_text())
    expected = {
        n["alias"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/")
    } - set(NOT_COMPARED)
    assert set(marts) == expected
    assert all(m["equal"] for m in marts.values()), [m for m in marts.values() if not m["equal"]]
    # Not a comparison of empty tables: the marts people read most have rows on both engines.
    read_most = ["developer_daily_v1", "developer_sessions_v1", "team_weekly_v2", "org_daily_v1"]
    read_most.append("experiment_results_v1")
    for mart in read_most:
        assert marts[mart]["duckdb_rows"] == marts[mart]["spark_rows"] > 0


def every_model_and_test_ran(spark_home_built: Paths) -> None:
    results = json.loads((spark_home(spark_home_built) / "dbt_target" / "run_results.json").read_text())["results"]
    by_kind: dict[str, list[str]] = {}
    for result in results:
        by_kind.setdefault(result["unique_id"].split(".")[0], []).append(result["status"])
    duck = json.loads((spark_home_built.home / "dbt_target" / "run_results.json").read_text())["results"]
    duck_ids, spark_ids = {r["unique_id"] for r in duck}, {r["unique_id"] for r in results}
    # Only the unit tests of DuckDB's incremental merges are DuckDB's alone (on Spark those models are views or
    # tables computed whole).
    assert spark_ids <= duck_ids
    assert duck_ids - spark_ids == {
        "unit_test.ai_telemetry.stg_claude_code__api_usage.api_usage_merges_new_lines_with_the_kept_ones",
        "unit_test.ai_telemetry.stg_claude_code__messages.messages_keep_the_first_sighting_across_runs",
        "unit_test.ai_telemetry.int_api_usage_costed.costs_price_only_the_responses_staged_since_the_newest_kept",
    }
    assert len(by_kind["model"]) > 80 and set(by_kind["model"]) == {"success"}
    assert len(by_kind["test"]) > 250 and set(by_kind["test"]) <= {"pass", "warn"}
    # The Python models (the experiment readouts) ran in the Spark session too.
    python_models = [r for r in results if r["unique_id"].endswith(("experiment_readouts", "rollout_readouts"))]
    assert len(python_models) == 2 and {r["status"] for r in python_models} == {"success"}


def comparison_catches_a_changed_number_and_a_missing_row(spark_home_built: Paths, tmp_path: Path) -> None:
    source = spark_home(spark_home_built) / "warehouse" / "marts.db" / "developer_daily_v1"
    with duckdb.connect() as con:
        con.execute("attach ? as duck (read_only)", [str(spark_home_built.warehouse)])
        assert compare_mart(con, "developer_daily_v1", source).equal
        files = str(source / "**" / "*.parquet")
        for name, change in {
            "changed": "select * replace (cost_usd * (1 + 1e-6) as cost_usd) from read_parquet(?)",
            "missing": "select * from read_parquet(?) limit (select count(*) - 1 from read_parquet(?))",
        }.items():
            folder = tmp_path / name
            folder.mkdir()
            parameters = [files] * change.count("?")
            con.execute(f"copy ({change}) to '{folder / 'part.parquet'}' (format parquet)", parameters)
            compared = compare_mart(con, "developer_daily_v1", folder)
            assert not compared.equal, name
            if name == "changed":
                assert all("cost_usd" in d for d in compared.differences)
            else:
                assert compared.spark_rows == compared.duckdb_rows - 1

"""The bench's own measurements: a dbt build's breakdown (from the suite's real build) and its rounds of the
sources' floors and loads."""

import contextlib
import json
from pathlib import Path

import pytest
from conftest import query

from orchestration.bench import build_without_rows, dbt_node_times, floors_and_loads, targets
from orchestration.paths import Paths


@pytest.mark.slow  # it reads the suite's built organisation
def test_a_builds_node_times_add_up_per_kind_and_name_its_slowest_nodes(validated: Paths) -> None:
    run_results = validated.home / "dbt_target" / "run_results.json"
    results = json.loads(run_results.read_text())["results"]
    figures, slowest = dbt_node_times(run_results, slowest=3)
    assert figures["models"] >= 80 and figures["tests"] >= 200 and figures["seeds"] >= 5
    assert figures["models"] + figures["tests"] + figures["seeds"] + figures["unit_tests"] == len(results)
    by_kind = {kind: 0.0 for kind in ("model", "test", "seed", "unit_test")}
    for node in results:
        by_kind[node["unique_id"].split(".")[0]] += node["execution_time"]
    for kind, seconds in by_kind.items():
        assert abs(figures[f"{kind}_node_s"] - seconds) < 1e-9, kind
    assert abs(figures["node_s"] - sum(by_kind.values())) < 1e-9
    # Two threads: dbt's elapsed time is at least half the node time it ran.
    assert figures["dbt_elapsed_s"] >= figures["node_s"] / 2 > 0
    assert len(slowest) == 3 and [s for _, s in slowest] == sorted((s for _, s in slowest), reverse=True)
    assert slowest[0][1] == max(node["execution_time"] for node in results)


@pytest.mark.slow  # two dbt builds
def test_the_build_without_rows_runs_every_node_of_the_project_on_empty_raw_tables(tmp_path: Path) -> None:
    """The incremental build's floor is the same build with no data: every table model and every data test of
    the project but the seeds', each passing, on raw tables that hold no row. As in a later build of an unchanged
    project, the unit tests, the seeds, their tests and the views were run and built by the first build and are
    left out."""
    seconds, figures = build_without_rows(tmp_path)
    target = tmp_path / "no-rows-home" / "dbt_target"
    nodes = json.loads((target / "manifest.json").read_text())["nodes"].values()
    models = [node for node in nodes if node["resource_type"] == "model"]
    views = [node for node in models if node["config"]["materialized"] == "view"]
    tests = [node for node in nodes if node["resource_type"] == "test"]
    with_seeds = [node for node in tests if node["original_file_path"].startswith("seeds/")]
    assert seconds > 0 and figures["dbt_elapsed_s"] > 0 and figures["models"] >= 70
    assert len(views) >= 5 and len(with_seeds) >= 5
    assert figures["models"] == len(models) - len(views)
    assert figures["tests"] == len(tests) - len(with_seeds)
    assert figures["seeds"] == figures["unit_tests"] == 0
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert {node["status"] for node in results} == {"success", "pass"}
    warehouse = tmp_path / "no-rows-home" / "warehouse.duckdb"
    # Every source table (not the loader's own bookkeeping: its batch, migrations and storage figures) is empty.
    source_tables = [
        name
        for (name,) in query(warehouse, "select table_name from duckdb_tables() where schema_name = 'raw'")
        if name not in ("load_batches", "schema_migrations", "table_storage")
    ]
    assert {"claude_code_records", "otel_log_records", "cursor_usage_events", "org_directory"} <= set(source_tables)
    for name in source_tables:
        assert query(warehouse, f"select count(*) from raw.{name}") == [(0,)], name
    assert query(warehouse, "select count(*) from events.fct_events") == [(0,)]


@pytest.mark.parametrize("source", ["claude_code", "cursor/usage_events"])
def test_each_round_stores_and_loads_a_source_from_nothing(sample_landing: Path, tmp_path: Path, source: str) -> None:
    """Best of two rounds: each floor and each load starts from a new file, so the second load is a whole
    load of the source (one batch, every line), not an incremental load that finds nothing new."""
    stats = floors_and_loads(sample_landing, [source], tmp_path, rounds=2)[source]
    assert stats["rounds"] == 2 and stats["floor_s"] > 0 and stats["load_s"] > 0 and stats["lines"] > 0
    stored = query(tmp_path / f"floor-{source.replace('/', '_')}.duckdb", "select count(*) from lines")[0][0]
    warehouse = tmp_path / f"alone-{source.replace('/', '_')}.duckdb"
    table = "claude_code_records" if source == "claude_code" else "cursor_usage_events"
    # Transcript lines are one record each; a CSV line is a row, its header none.
    loaded = query(
        warehouse,
        f"select (select count(*) from raw.{table}) + (select count(*) from raw.quarantine)",
    )[0][0]
    assert stored == loaded == stats["lines"]
    assert query(warehouse, "select count(*), min(status) from raw.load_batches") == [(1, "complete")]


def test_rounds_run_across_the_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each later round stores and loads every source again after the first round did them all: the sources
    whose rates are compared see the same stretches of the run. Each source keeps its best floor and load."""
    import orchestration.bench as bench

    calls: list[str] = []
    seconds = iter([5.0, 9.0, 6.0, 8.0, 4.0, 7.0, 3.0, 10.0])

    def scan(landing: Path, source: str, work: Path) -> dict[str, float]:
        calls.append(f"floor {source}")
        return {"lines": 1.0, "mb": 1.0, "bare_scan_s": 1.0, "floor_s": next(seconds)}

    def timed_call(kind: str) -> object:
        def call(landing: Path, source: str, work: Path) -> float:
            calls.append(f"{kind} {source}")
            return next(seconds)

        return call

    monkeypatch.setattr(bench, "scan_and_floor", scan)
    monkeypatch.setattr(bench, "store_unparsed", timed_call("floor"))
    monkeypatch.setattr(bench, "load_alone", timed_call("load"))
    phases: list[str] = []

    def phase(source: str) -> object:
        phases.append(source)
        return contextlib.nullcontext()

    stats = floors_and_loads(tmp_path, ["a", "b"], tmp_path, rounds=2, phase=phase)
    assert calls == ["floor a", "load a", "floor b", "load b", "floor a", "load a", "floor b", "load b"]
    assert phases == ["a", "b", "a", "b"]
    assert stats["a"]["floor_s"] == 4.0 and stats["a"]["load_s"] == 7.0
    assert stats["b"]["floor_s"] == 3.0 and stats["b"]["load_s"] == 8.0
    assert stats["a"]["rounds"] == stats["b"]["rounds"] == 2.0


def test_each_source_has_its_own_per_mb_target() -> None:
    """OTel faster per MB than transcripts meets its target while a slower Cursor CSV misses its own; the
    build targets are ratios to the full build."""
    sources = {
        "claude_code": {"load_mb_per_s": 58.0, "load_over_floor": 3.4},
        "otel": {"load_mb_per_s": 58.5, "load_over_floor": 2.7},
        "cursor/usage_events": {"load_mb_per_s": 15.3, "load_over_floor": 1.9},
    }
    figures = {"build_full_s": 36.0, "build_incremental_s": 3.5, "gate_s": 5.5}
    assert targets(figures, sources) == {
        "transcripts load <= 2.5x the unparsed-store floor": False,
        "otel at least as fast per MB as transcripts": True,
        "cursor/usage_events at least as fast per MB as transcripts": False,
        "incremental build after 1% new data <= 10% of the full build": True,
        "gate <= 15% of the build": False,
    }
    sources["claude_code"]["load_over_floor"] = 2.5
    sources["cursor/usage_events"]["load_mb_per_s"] = 58.0
    figures.update(build_incremental_s=3.7, gate_s=5.3)
    assert targets(figures, sources) == {
        "transcripts load <= 2.5x the unparsed-store floor": True,
        "otel at least as fast per MB as transcripts": True,
        "cursor/usage_events at least as fast per MB as transcripts": True,
        "incremental build after 1% new data <= 10% of the full build": False,
        "gate <= 15% of the build": True,
    }

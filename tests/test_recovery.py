"""A run killed (SIGKILL) at any moment leaves every published file a complete version, and the next run
recovers to the same marts as a clean run."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.build_state import (
    MARKER,
    TEST_SCOPE_FILE,
    BuildScope,
    build_guard,
    prepare_test_scope,
    record_tests_passed,
)
from orchestration.generator import GenerateConfig, generate
from orchestration.listing import project_state
from orchestration.loader import load
from orchestration.paths import PROJECT_DIR, Paths
from orchestration.pipeline import dbt_build
from orchestration.publish import AUDIENCES, reader_files

# Platform marts describe the runs themselves (batch ids, load times, catalog sizes): they differ by design.
RUN_DEPENDENT = {
    "pipeline_health_v1",
    "source_freshness_v1",
    "storage_by_table_v1",
    "publish_history_v1",
    "publish_latency_v1",
    "platform_alerts_v1",
}


def run_command(home: Path) -> subprocess.Popen:
    env = {**os.environ, "AI_TELEMETRY_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    return subprocess.Popen(
        # --rebuild: every run does the whole job, so each kill lands in real work.
        [str(Path(sys.executable).with_name("ai-telemetry")), "run", "--rebuild"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def published_versions(home: Path) -> dict[str, str]:
    """The version of every file a reader can open; each must open and hold its marts whole."""
    versions = {}
    for audience, files in reader_files(home / "published").items():
        for path in files:
            con = duckdb.connect(str(path), read_only=True)
            try:
                versions[str(path.relative_to(home))] = con.execute("select version from publish_info").fetchone()[0]
                for mart in AUDIENCES[audience]:
                    con.execute(f'select count(*) from "{mart}"').fetchone()
            finally:
                con.close()
    return versions


def marts(home: Path) -> dict[str, list]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        names = [m for ms in AUDIENCES.values() for m in ms if m not in RUN_DEPENDENT]
        return {m: sorted(con.execute(f'select * from marts."{m}"').fetchall(), key=repr) for m in names}
    finally:
        con.close()


# Kills at random moments of whole runs; the kills inside publish itself are test_gate's, at every point.
KILLS = 3


@pytest.mark.slow
def test_sigkill_at_random_moments_then_recovery(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate(GenerateConfig(out=landing, developers=6, days=5, seed=21))
    killed = tmp_path / "killed"
    shutil.copytree(landing, killed / "landing")
    rng = random.Random(4)
    # The first kill lands while loading or building from nothing; a run then completes and publishes, and
    # its length spreads the later kills over a whole run: load, build, gate, publish.
    process = run_command(killed)
    time.sleep(rng.uniform(1, 8))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    started = time.monotonic()
    assert run_command(killed).wait(timeout=900) == 0
    duration = time.monotonic() - started
    republished = 0
    for _ in range(KILLS - 1):
        before = published_versions(killed)
        process = run_command(killed)
        time.sleep(rng.uniform(1, duration))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        after = published_versions(killed)  # every file opens and holds a whole version
        assert set(after) == set(before)
        assert len(set(after.values())) == 1, f"readers see more than one version: {after}"
        republished += after != before
    print(f"{KILLS} kills over a {duration:.0f} s run; {republished} of them after a new version was published")
    assert run_command(killed).wait(timeout=900) == 0
    published_versions(killed)
    # The same files built once, cleanly, with no kill: the recovered marts must equal them.
    clean = Paths(tmp_path / "clean")
    shutil.copytree(landing, clean.landing)
    load(clean.landing, clean.warehouse)
    assert dbt_build(clean)
    assert marts(killed) == marts(clean.home)


def test_a_killed_build_makes_the_next_build_a_full_refresh(tmp_path: Path) -> None:
    with build_guard(tmp_path) as extra:
        assert extra == []  # nothing was interrupted: incremental
    assert not (tmp_path / MARKER).exists()
    with pytest.raises(RuntimeError), build_guard(tmp_path):
        raise RuntimeError("dbt failed a test: it still ran to its end")
    assert not (tmp_path / MARKER).exists()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, str(tmp_path)], cwd=Path(__file__).parent.parent, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    with build_guard(tmp_path) as extra:
        assert extra == ["--full-refresh"]
    with build_guard(tmp_path) as extra:
        assert extra == []  # the rebuild finished: incremental again


def test_a_passing_build_records_its_views_unless_the_warehouse_is_held(tmp_path: Path) -> None:
    """The views a passing build left are recorded, so a later build of the same project may leave them as they
    are. When the warehouse cannot be read then (another process writes it), the pass is still recorded, without
    views: the next build makes them all again rather than this one failing."""
    paths = Paths(tmp_path)
    writer = duckdb.connect(str(paths.warehouse))
    writer.execute("create schema staging")
    writer.execute("create view staging.stg_example as select 1 as one")
    scope = BuildScope(tested_through=None, project=["models/example.sql"], same_project=True)
    record_tests_passed(paths, scope)  # this process holds it with another configuration: not readable now
    recorded = json.loads((paths.home / TEST_SCOPE_FILE).read_text())
    assert recorded["project"] == ["models/example.sql"] and "views" not in recorded
    writer.close()
    record_tests_passed(paths, scope)
    assert json.loads((paths.home / TEST_SCOPE_FILE).read_text())["views"] == ["staging.stg_example"]


def test_a_state_file_cut_short_makes_the_next_build_test_everything(tmp_path: Path) -> None:
    """What the last passing build tested is a file in the home: cut short (a full disk, a crash before the
    writes were atomic), it reads as nothing tested, so the next build tests every row and leaves nothing out,
    rather than every build failing on it."""
    paths = Paths(tmp_path)
    with duckdb.connect(str(paths.warehouse)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.load_batches (batch_id varchar, started_at timestamptz)")
        con.execute("create table raw.load_manifest (batch_id varchar, rows_retracted bigint)")
        con.execute("create table raw.claude_code_records (_batch_id varchar, _transcript_owner varchar)")
        con.execute("insert into raw.load_batches values ('b1', '2026-12-01 10:00+00'), ('b2', '2026-12-02 10:00+00')")
        con.execute("insert into raw.load_manifest values ('b1', 0), ('b2', 0)")
        con.execute("insert into raw.claude_code_records values ('b1', 'ana'), ('b2', 'ben')")
    passed = BuildScope(tested_through=datetime(2026, 12, 1, 10, tzinfo=UTC), project=project_state(PROJECT_DIR),
                        same_project=True)  # fmt: skip
    record_tests_passed(paths, passed)

    def test_scope() -> list[tuple[str]] | None:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            if not con.execute("select count(*) from duckdb_tables() where table_name = 'test_scope'").fetchone()[0]:
                return None  # no scope: the row tests read every row
            return con.execute("select * from main.test_scope").fetchall()

    scope = prepare_test_scope(paths)
    assert scope.same_project and test_scope() == [("ben",)]  # only the rows loaded since are tested
    state_file = paths.home / TEST_SCOPE_FILE
    state_file.write_text(state_file.read_text()[:40])
    scope = prepare_test_scope(paths)
    assert not scope.same_project and scope.dbt_args() == [] and test_scope() is None


def test_the_instance_file_of_an_earlier_version_is_upgraded_and_an_edited_one_kept(tmp_path: Path) -> None:
    from orchestration.pipeline import DAGSTER_YAML, OLD_DAGSTER_YAMLS, dagster_home

    os.environ.pop("DAGSTER_HOME", None)
    config = tmp_path / "dagster" / "dagster.yaml"
    config.parent.mkdir()
    config.write_text(OLD_DAGSTER_YAMLS[-1])  # the previous version's, without the run coordinator
    dagster_home(Paths(tmp_path))
    assert config.read_text() == DAGSTER_YAML
    edited = DAGSTER_YAML.replace("dequeue_interval_seconds: 1", "dequeue_interval_seconds: 2")
    config.write_text(edited)
    dagster_home(Paths(tmp_path))
    assert config.read_text() == edited


KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from orchestration.build_state import build_guard
with build_guard(Path(sys.argv[1])):
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_run_whose_worker_was_killed_is_marked_failed(tmp_path: Path) -> None:
    """The instance the project writes has run monitoring on and a launcher that can tell a dead worker: a run
    left "Started" by a SIGKILLed worker is marked failed by the monitoring daemon's check."""
    import logging

    from dagster import DagsterInstance, DagsterRunStatus
    from dagster._core.events import EngineEventData
    from dagster._core.storage.dagster_run import DagsterRun
    from dagster._daemon.monitoring.run_monitoring import monitor_started_run

    from orchestration.defs.launcher import MonitoredRunLauncher
    from orchestration.paths import Paths
    from orchestration.pipeline import dagster_home

    os.environ.pop("DAGSTER_HOME", None)
    home = dagster_home(Paths(tmp_path))
    with DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_launcher, MonitoredRunLauncher)
        assert instance.run_monitoring_enabled
        assert instance.run_coordinator.dequeue_interval_seconds == 1  # a queued run starts within a second
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        run = instance.add_run(
            DagsterRun(job_name="full_run", run_id="0" * 8 + "-kill-test", status=DagsterRunStatus.STARTED)
        )
        instance.report_engine_event(
            f"Started process for run (pid: {worker.pid}).", run, EngineEventData.in_process(worker.pid)
        )
        record = instance.get_run_record_by_id(run.run_id)
        monitor_started_run(instance, None, record, logging.getLogger("test"))
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED  # alive: left alone
        worker.kill()
        worker.wait(timeout=10)
        monitor_started_run(instance, None, instance.get_run_record_by_id(run.run_id), logging.getLogger("test"))
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE

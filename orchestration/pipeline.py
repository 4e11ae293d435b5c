"""The main job behind `ai-telemetry run`: the Dagster job `full_run`, executed in process.

Sample data is generated first when the landing folder is empty; then the same job `dagster dev` shows
(raw load, dbt build with its tests as checks, the Great Expectations gate, publishing) runs, and a
summary is printed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.dbt import run_dbt
from orchestration.listing import project_state
from orchestration.loader import SOURCES
from orchestration.paths import HOME_ENV_VAR, PROJECT_DIR, Paths
from orchestration.state_files import read_state, write_state

# The raw tables a run's summary counts: every source's, and the dead-letter table.
RAW_TABLES = [table for source in SOURCES for table in source.tables] + ["quarantine"]
# The Dagster instance the project writes: no usage telemetry, and runs whose worker died marked failed.
_RUN_LAUNCHER_AND_MONITORING = """\
telemetry:
  enabled: false
run_launcher:
  module: orchestration.defs.launcher
  class: MonitoredRunLauncher
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  poll_interval_seconds: 20
"""
# Queued runs start within a second: at Dagster's default (every 5 s) a fresh path's run waited 0-5 s in the
# queue, a quarter of the 30 s its new line has to reach its reader.
DAGSTER_YAML = (
    _RUN_LAUNCHER_AND_MONITORING
    + """\
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
"""
)
# The files earlier versions wrote: upgraded in place (a file edited by its user is left as it is).
OLD_DAGSTER_YAMLS = ("", "telemetry:\n  enabled: false\n", _RUN_LAUNCHER_AND_MONITORING)


def landing_is_empty(paths: Paths) -> bool:
    return not paths.landing.exists() or not any(p.is_file() for p in paths.landing.rglob("*"))


def dbt_command(paths: Paths, *args: str, target: Path | None = None) -> bool:
    """`dbt <args>` on the warehouse (see orchestration/dbt.py); True when it succeeded."""
    return run_dbt(*args, home=paths.home, target=target).returncode == 0


def dbt_build(paths: Paths, *extra: str) -> bool:
    """`dbt build` on the warehouse; True when every node passed."""
    from orchestration.build_state import prepare_test_scope, record_tests_passed
    from orchestration.fresh import remember_full_build

    scope = prepare_test_scope(paths, whole_build=not extra)
    built = dbt_command(paths, "build", *extra, *scope.dbt_args())
    if built and not extra:
        remember_full_build(paths)
        record_tests_passed(paths, scope)
    return built


def dagster_home(paths: Paths) -> Path:
    """The Dagster instance for this data home, with usage telemetry off."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.home / "dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() in OLD_DAGSTER_YAMLS:
        config.write_text(DAGSTER_YAML)
    return home


def summarise(paths: Paths) -> str:
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        lines = [f"warehouse: {paths.warehouse}"]
        for table in RAW_TABLES:
            count = con.execute(f"select count(*) from raw.{table}").fetchone()[0]  # noqa: S608 (fixed names)
            lines.append(f"  raw.{table:<22} {count:>10,} rows")
        reasons = con.execute(
            "select reason, count(*) from raw.quarantine group by reason order by count(*) desc limit 5"
        ).fetchall()
        if reasons:
            lines.append("  quarantine reasons: " + ", ".join(f"{r} ({n})" for r, n in reasons))
        layers = con.execute(
            "select table_schema, count(*), string_agg(table_name, ', ' order by table_name) "
            "from information_schema.tables where table_schema not in ('raw', 'main') group by 1 order by 1"
        ).fetchall()
        lines.append("  dbt layers built:")
        lines += [f"    {schema:<14} {n:>3}: {names}" for schema, n, names in layers]
        return "\n".join(lines)
    finally:
        con.close()


def write_run_log(instance: object, run_id: str, folder: Path) -> Path:
    """Every event of the run, one line each, in <home>/logs/run-<id>.log."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{run_id}.log"
    with path.open("w") as out:
        for entry in instance.all_logs(run_id):
            when = datetime.fromtimestamp(entry.timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")
            level = logging.getLevelName(entry.level)
            out.write(f"{when} {level:<7} {entry.step_key or '-':<24} {entry.message or entry.user_message}\n")
    return path


def last_run_marker(paths: Paths) -> Path:
    """Written when `run` published, removed when a run starts: a rerun with nothing new can skip the job."""
    return paths.home / "last_published_run.json"


def nothing_new(paths: Paths) -> bool:
    """The last run published, no landing file changed since it was loaded, and the dbt project is the same."""
    from orchestration.landing import all_loaded, landing_files

    if read_state(last_run_marker(paths)).get("project") != project_state(PROJECT_DIR):
        return False  # no published run recorded, or another project
    return bool(all_loaded(paths, landing_files(paths)))


def print_published(paths: Paths) -> None:
    from orchestration.publish import reader_files

    print(f"published to {paths.published}:")
    for audience, files in reader_files(paths.published).items():
        shown = ", ".join(p.name for p in files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        print(f"  {audience:<10} {len(files):>4} file(s): {shown or '(none: nothing this audience may see)'}")


def run_pipeline(
    paths: Paths,
    *,
    developers: int = 30,
    days: int = 42,
    seed: int = 7,
    start: date | None = None,
    verbose: bool = False,
    rebuild: bool = False,
) -> int:
    from orchestration.generator import DEFAULT_START, GenerateConfig, generate

    os.environ[HOME_ENV_VAR] = str(paths.home)
    if landing_is_empty(paths):
        # The sample runs the two experiments of seeds/experiments.csv, so their readout has data to show.
        config = GenerateConfig(
            out=paths.landing,
            developers=developers,
            days=days,
            seed=seed,
            start=start or DEFAULT_START,
            plant_experiments=True,
        )
        summary = generate(config)
        print(f"landing folder was empty: generated a sample organisation\n  {summary.describe()}")
    if not rebuild and nothing_new(paths):
        print(
            "nothing new since the last run: every landing file is loaded as it is, the dbt project is unchanged, "
            "and that run published (`ai-telemetry run --rebuild` runs the job anyway)"
        )
        print_published(paths)
        return 0
    last_run_marker(paths).unlink(missing_ok=True)  # until this run publishes, the next one runs the job
    os.environ["DAGSTER_HOME"] = str(dagster_home(paths))
    from dagster import AssetCheckSeverity, DagsterInstance

    from orchestration.defs.project import prepare_manifest

    try:
        prepare_manifest()  # Dagster reads the dbt manifest when the definitions load
    except Exception as error:
        print(f"dbt parse failed: {error}", file=sys.stderr)
        return 1
    from orchestration.definitions import defs

    # The job runs in this process: its dbt step imports GX on a thread while dbt builds, before the gate.
    job = defs.resolve_job_def("full_run")
    print("running the Dagster job full_run: raw load, dbt build with its tests, the gate, publish ...", flush=True)
    # Dagster's events (and dbt's lines within them) go to the run's log file; --verbose shows them too.
    # Step lines print live from the step_progress logger; --verbose shows every event instead.
    quiet = {} if verbose else {"loggers": {"step_progress": {}}}
    logs = paths.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with DagsterInstance.get() as instance, (logs / "dbt-last-run.log").open("w") as dbt_log:
        # dagster-dbt echoes dbt's lines on stdout (for Dagster's captured logs): into a file unless --verbose.
        with contextlib.redirect_stdout(sys.stdout if verbose else dbt_log):
            result = job.execute_in_process(run_config=quiet, instance=instance, raise_on_error=False)
        log = write_run_log(instance, result.run_id, logs)
    checks = [evaluation.passed for evaluation in result.get_asset_check_evaluations()]
    print(f"  checks: {sum(checks)} of {len(checks)} passed (dbt tests and the gate's suites)")
    print(f"full log: {log} (dbt's own output: {logs / 'dbt-last-run.log'})")
    failed = [check for check in result.get_asset_check_evaluations() if not check.passed]
    errors = [_check_name(c) for c in failed if c.severity == AssetCheckSeverity.ERROR]
    warnings = [_check_name(c) for c in failed if c.severity != AssetCheckSeverity.ERROR]
    published = [
        event.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == "published"
    ]
    print(summarise(paths))
    outcome = "succeeded" if result.success else "failed"
    print(f"dagster run {result.run_id} ({outcome}), instance {os.environ['DAGSTER_HOME']}")
    if warnings:
        print(f"{len(warnings)} warning(s), not blocking: " + ", ".join(warnings))
    if errors:
        print(f"{len(errors)} check(s) failed: " + ", ".join(errors), file=sys.stderr)
    if published:
        print_published(paths)
    if not result.success or not published:
        print("nothing published: the last good version stays in place", file=sys.stderr)
        return 1
    write_state(last_run_marker(paths), {"run_id": result.run_id, "project": project_state(PROJECT_DIR)})
    print("run complete. Next:")
    print(f"  your numbers:    ai-telemetry stats today --developer <id>   (ids: {paths.published / 'developers'})")
    print(
        "  dashboards:      ai-telemetry dashboards serve org|platform|product, team --team <team>, developer "
        "--developer <id>   (http://127.0.0.1:8501)"
    )
    print(f"  published files: {paths.published} (open read-only with DuckDB 1.2+ or any BI tool)")
    print(f"  the job in the UI: make dev, then http://127.0.0.1:3000 (instance {os.environ['DAGSTER_HOME']})")
    return 0


def _check_name(check: object) -> str:
    """asset:check of a Dagster AssetCheckEvaluation."""
    return f"{check.asset_key.to_user_string()}:{check.check_name}"

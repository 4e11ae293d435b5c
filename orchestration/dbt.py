"""dbt, launched one way for every caller outside Dagster (the pipeline's helpers, the catalog, the review).

dbt runs in its own process: a DuckDB file open for writing locks out every other process, so nothing else
may hold the warehouse while it builds. The profile is the project's, the data home comes from the
environment, and each home writes its own target folder, so two homes (two runs, two test workers) never
share dbt's artifacts. Inside Dagster, dagster-dbt's `DbtCliResource` launches dbt (per-run target folders).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import yaml

from orchestration.paths import HOME_ENV_VAR, PROJECT_DIR


def layers(project_dir: Path = PROJECT_DIR) -> tuple[str, ...]:
    """The project's layers: the model folders dbt_project.yml gives a schema of their own, in its order."""
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    folders = config["models"][config["name"]]
    return tuple(name for name, settings in folders.items() if isinstance(settings, dict) and "+schema" in settings)


# dbt's log file level: info, not dbt's default debug (see `dbt_env`), unless DBT_LOG_LEVEL_FILE says otherwise.
FILE_LOG_LEVEL = "info"

PARTIAL_PARSE = "partial_parse.msgpack"
# Which checkout the saved parse in a target folder was made for (see `forget_parse_of_another_project`).
PARSED_FOR = "partial_parse.project"
RUN_TARGETS_KEPT = 10


def target_path(home: Path) -> Path:
    """Where dbt writes its artifacts (manifest, run results, compiled SQL) for a data home."""
    return home / "dbt_target"


def run_target(home: Path, run_id: str) -> Path:
    """A new target folder in `home` for one Dagster run's dbt, holding the home's partial-parse state.

    dbt parses the whole project again (7 to 20 s) when its saved state was made for another profile, and the
    profile's DuckDB path is the home's: the state dagster-dbt copies from the project's own target was made by
    `dbt parse` for whichever home prepared it."""
    target = home / "dbt_runs" / f"{run_id[:8]}-{uuid.uuid4().hex[:6]}"
    target.mkdir(parents=True)
    for name in (PARTIAL_PARSE, PARSED_FOR):
        saved = target_path(home) / name
        if saved.exists():
            shutil.copy2(saved, target / name)
    forget_parse_of_another_project(target, PROJECT_DIR)
    return target


def keep_run_target(home: Path, target: Path, kept: int = RUN_TARGETS_KEPT) -> None:
    """After a run: its partial-parse state becomes the home's, and only the newest `kept` run folders stay.
    The state is replaced in one rename, since another run may be copying it."""
    state = target / PARTIAL_PARSE
    if state.exists():
        saved = target_path(home) / PARTIAL_PARSE
        saved.parent.mkdir(parents=True, exist_ok=True)
        partial = saved.with_name(f".{PARTIAL_PARSE}.{os.getpid()}")
        shutil.copy2(state, partial)
        partial.replace(saved)
        (saved.parent / PARSED_FOR).write_text(str(PROJECT_DIR))
    folders = sorted((p for p in target.parent.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-kept]:
        shutil.rmtree(old, ignore_errors=True)


def forget_parse_of_another_project(target: Path, project_dir: Path) -> None:
    """Drops the saved parse in `target` unless it was made for the project in `project_dir`.

    dbt's saved parse keeps each node's absolute root path and trusts it while the files' contents match: after
    the checkout moved (the default data home is inside it), its seeds were read from the old path ("No files
    found" at dbt 1.11.16), and with two checkouts sharing a home one would load the other's seed files. dbt
    then parses the project once more (7 to 20 s)."""
    here, marker = str(project_dir.resolve()), target / PARSED_FOR
    if not marker.exists() or marker.read_text() != here:
        (target / PARTIAL_PARSE).unlink(missing_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text(here)


def run_dbt(
    *args: str,
    home: Path,
    project_dir: Path = PROJECT_DIR,
    target: Path | None = None,
    capture: bool = False,
    spark: bool = False,
) -> subprocess.CompletedProcess:
    """`dbt <args>` on the project in `project_dir` for the data home `home`; the caller judges the exit code.
    `spark` runs it on the profile's Spark target, through the launcher that runs Python models in its session."""
    dbt = [sys.executable, "-m", "orchestration.spark_dbt"] if spark else [str(Path(sys.executable).with_name("dbt"))]
    profiles = project_dir / "profiles"
    command = [
        *dbt,
        *args,
        *(["--target", "spark"] if spark else []),
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles),
        "--target-path",
        str(target or target_path(home)),
    ]
    forget_parse_of_another_project(target or target_path(home), project_dir)
    env = dbt_env(home, profiles)
    return subprocess.run(command, env=env, cwd=project_dir, capture_output=capture, text=True, check=False)


def dbt_env(home: Path, profiles: Path) -> dict[str, str]:
    """The environment dbt runs in: this process's, with the home and the profile set.

    dbt's log file goes to the home (not the project's `logs/`, which every home and test worker would
    share), at info level, unless DBT_LOG_PATH or DBT_LOG_LEVEL_FILE say otherwise. At debug, dbt's default,
    every statement is logged from both threads under one lock: a 1M-line build with nothing new took 18.7 s
    against 17.4 s at info (three runs each, alternating). Compiled and run SQL stay in the target folder."""
    logs = {"DBT_LOG_PATH": str(home / "logs"), "DBT_LOG_LEVEL_FILE": FILE_LOG_LEVEL}
    return {**logs, **os.environ, HOME_ENV_VAR: str(home), "DBT_PROFILES_DIR": str(profiles)}


def file_log_level_flags() -> list[str]:
    """dbt's global flags for the same file log level as `dbt_env`, for a launcher that builds dbt's environment
    itself (dagster-dbt's resource): none when DBT_LOG_LEVEL_FILE is set, which dbt then reads."""
    return [] if "DBT_LOG_LEVEL_FILE" in os.environ else ["--log-level-file", FILE_LOG_LEVEL]

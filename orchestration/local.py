"""Local mode: one developer, their own ~/.claude, their own machine, nothing else (seed 004: local-first).

`ai-telemetry stats --claude-dir ~/.claude` keeps a private warehouse under $AI_TELEMETRY_HOME/local and
answers from it. The transcripts are read where they are, never copied and never written. A question
costs what changed since the last one:

- nothing changed (the same files with the same sizes and modification times, the same dbt project): any
  question (any period, any date) is answered from the developer's daily mart rows, read once after the last
  refresh and kept in the state file (neither the loader, dbt nor DuckDB is imported for that);
- new lines: the loader takes only them, and dbt builds only the developer marts and what they are built
  from (`dbt build --select +path:models/marts/developer`, without data tests: those gate publishing, and
  nothing is published here; the unit tests and the publishing gate run in `make test` and `ai-telemetry run`).
"""

from __future__ import annotations

import getpass
import time
from dataclasses import dataclass
from pathlib import Path

import xxhash

from orchestration.listing import file_states, project_state
from orchestration.paths import PROJECT_DIR, Paths
from orchestration.state_files import read_state, write_state

STATE_FILE = "local_state.json"


class LocalModeError(Exception):
    """The local warehouse could not be brought up to date; the message says why."""


@dataclass(frozen=True)
class Refresh:
    refreshed: bool  # False when nothing had changed
    seconds: float
    rows_loaded: int = 0


def local_home(paths: Paths) -> Path:
    return paths.home / "local"


def default_owner() -> str:
    """The developer a ~/.claude belongs to when nobody says: the login name (the warehouse's developer id)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


def _fingerprints(claude_dir: Path) -> tuple[str, str]:
    """The transcripts as they are now (path, size, modification time), and the dbt project's files: equal
    fingerprints mean the last answer still holds."""
    data, project = xxhash.xxh3_64(), xxhash.xxh3_64()
    for path, (size, mtime) in file_states(claude_dir, ("*.jsonl",)).items():
        data.update(f"{path}\0{size}\0{mtime}\n".encode())
    for entry in project_state(PROJECT_DIR):
        project.update(f"{entry}\n".encode())
    return data.hexdigest(), project.hexdigest()


def refresh(home: Path, claude_dir: Path, owner: str) -> Refresh:
    """Brings the local warehouse up to date with the folder, doing nothing when nothing changed."""
    started = time.perf_counter()
    if not claude_dir.is_dir():
        raise LocalModeError(f"{claude_dir} is not a folder (pass --claude-dir, or run Claude Code once)")
    state = read_state(home / STATE_FILE)
    data, project = _fingerprints(claude_dir)
    same_project = state.get("project") == project and state.get("owner") == owner
    if same_project and state.get("data") == data:
        return Refresh(refreshed=False, seconds=time.perf_counter() - started)
    # Only now the loader and dbt: a question about unchanged files never imports them.
    from orchestration.fresh import developer_marts_build
    from orchestration.loader import ClaudeDir, load

    (home / "landing").mkdir(parents=True, exist_ok=True)
    # Local mode builds no storage mart: the per-table measure (a checkpoint, then a scan of every table's
    # blocks) would only slow the answer.
    owned = ClaudeDir(claude_dir.resolve(), owner)
    summary = load(home / "landing", home / "warehouse.duckdb", claude_dir=owned, measure_storage=False)
    build = developer_marts_build(home, tables_only=same_project)
    if build.returncode != 0:
        raise LocalModeError(f"dbt could not build the developer marts:\n{build.stdout[-3000:]}")
    state = {"data": data, "project": project, "owner": owner, "claude_dir": str(claude_dir)}
    write_state(home / STATE_FILE, state)
    return Refresh(refreshed=True, seconds=time.perf_counter() - started, rows_loaded=summary.rows_loaded)


def kept_days(home: Path, owner: str) -> dict[str, list[float | int]] | None:
    """The owner's daily mart rows as read after the last refresh (None before the first question since)."""
    state = read_state(home / STATE_FILE)
    return state.get("days") if state.get("days_owner") == owner else None


def keep_days(home: Path, owner: str, days: dict[str, list[float | int]]) -> None:
    """Keeps the daily rows the marts gave after a refresh: the same files and project give the same rows."""
    state = read_state(home / STATE_FILE)
    state.update(days=days, days_owner=owner)
    write_state(home / STATE_FILE, state)

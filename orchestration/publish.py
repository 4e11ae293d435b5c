"""Write-audit-publish: one read-only DuckDB file per audience, replaced atomically.

Marts are built in the warehouse, where no reader looks. Once every gate has passed, each audience's
file is written beside the published one and renamed over it: a reader that has the old file open keeps
a consistent old version (it holds the old inode), the next open sees the new one, and a crash at any
moment leaves either the old or the new file in place, never a half-written one.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.loader import run_script
from orchestration.paths import PROJECT_DIR, Paths

# What each audience may see (the brief's access table): the marts its file physically contains.
AUDIENCES: dict[str, tuple[str, ...]] = {
    "developer": (
        "developer_daily_v1",
        "developer_weekly_v1",
        "developer_peak_hours_v1",
        "developer_task_resolution_v1",
        "developer_tool_usage_v1",
    ),
    "team": ("team_weekly_v1", "team_member_weekly_v1", "team_interaction_patterns_v1"),
    "org": ("org_daily_v1", "org_team_monthly_v1", "licence_utilisation_v1"),
    "platform": (
        "pipeline_health_v1",
        "quarantine_reasons_v1",
        "source_freshness_v1",
        "storage_by_table_v1",
        "publish_history_v1",
    ),
    "product": ("feature_usage_weekly_v1", "failure_modes_v1", "session_patterns_v1", "journey_paths_v1"),
}
MART_SCHEMA = "marts"


@dataclass(frozen=True)
class PublishResult:
    version: str
    git_commit: str
    files: dict[str, Path]
    row_counts: dict[str, int]


def git_commit() -> str:
    """The commit of the models being published ('unknown' outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def record_outcome(
    warehouse: Path,
    version: str,
    outcome: str,
    failed: list[str],
    row_counts: dict[str, dict[str, int]],
    commit: str | None = None,
) -> None:
    """Appends one publish-log row per audience (published or held back) to the warehouse."""
    con = duckdb.connect(str(warehouse))
    try:
        run_script(con, "schema.sql")
        now = datetime.now(UTC)
        commit = commit or git_commit()
        for audience in AUDIENCES:
            con.execute(
                "insert into raw.publish_log values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    version,
                    audience,
                    now,
                    commit,
                    outcome,
                    "; ".join(failed) or None,
                    json.dumps(row_counts.get(audience, {})),
                    outcome == "passed",
                ],
            )
    finally:
        con.close()


def _write_audience_file(
    warehouse: Path, target: Path, marts: tuple[str, ...], version: str, commit: str
) -> dict[str, int]:
    """Copies the audience's marts into a new file beside `target`, then renames it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.stem}.{version}.{uuid.uuid4().hex[:6]}.tmp")
    counts: dict[str, int] = {}
    con = duckdb.connect(str(staging))
    try:
        con.execute("attach ? as wh (read_only)", [str(warehouse)])
        for mart in marts:
            # Published under the unversioned name a reader expects, and the pinned versioned one.
            con.execute(f'create table "{mart}" as select * from wh.{MART_SCHEMA}."{mart}"')  # noqa: S608
            base = mart.rsplit("_v", 1)[0]
            con.execute(f'create view "{base}" as select * from "{mart}"')  # noqa: S608
            counts[mart] = con.execute(f'select count(*) from "{mart}"').fetchone()[0]  # noqa: S608
        con.execute("create table publish_info (version varchar, published_at timestamptz, git_commit varchar)")
        con.execute("insert into publish_info values (?, ?, ?)", [version, datetime.now(UTC), commit])
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    staging.replace(target)
    return counts


def publish(paths: Paths, version: str | None = None) -> PublishResult:
    """Publishes every audience's file from the (already validated) warehouse marts."""
    version = version or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    commit = git_commit()  # once per publish: every file and log row names the same commit
    files: dict[str, Path] = {}
    counts: dict[str, int] = {}
    for audience, marts in AUDIENCES.items():
        target = paths.published / f"{audience}.duckdb"
        counts.update(_write_audience_file(paths.warehouse, target, marts, version, commit))
        files[audience] = target
    # Leftovers of a run killed mid-write are never read; clear them once they are clearly abandoned
    # (another run may be writing its own right now).
    for leftover in paths.published.glob(".*.tmp"):
        if datetime.now(UTC).timestamp() - leftover.stat().st_mtime > 3600:
            leftover.unlink(missing_ok=True)
    return PublishResult(version=version, git_commit=commit, files=files, row_counts=counts)

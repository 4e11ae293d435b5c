"""The main job behind `ai-telemetry run`: sample data if needed, load, build, summarise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.paths import HOME_ENV_VAR, PROJECT_DIR, Paths

RAW_TABLES = [
    "claude_code_records",
    "otel_log_records",
    "otel_metric_points",
    "cursor_daily_usage",
    "cursor_usage_events",
    "org_directory",
    "quarantine",
]


def landing_is_empty(paths: Paths) -> bool:
    return not paths.landing.exists() or not any(p.is_file() for p in paths.landing.rglob("*"))


def dbt_build(paths: Paths, *extra: str) -> bool:
    """`dbt build` on the warehouse; True when every node passed.

    dbt runs in its own process so that no DuckDB connection outlives it in ours (a DuckDB file open
    for writing cannot be opened by anyone else).
    """
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")]
    env = {**os.environ, HOME_ENV_VAR: str(paths.home)}
    return subprocess.run([*command, *extra], env=env, cwd=PROJECT_DIR, check=False).returncode == 0


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


def run_pipeline(paths: Paths, *, developers: int = 30, days: int = 42, seed: int = 7) -> int:
    from orchestration.generator import GenerateConfig, generate
    from orchestration.loader import load

    if landing_is_empty(paths):
        summary = generate(GenerateConfig(out=paths.landing, developers=developers, days=days, seed=seed))
        print(f"landing folder was empty: generated a sample organisation\n  {summary.describe()}")
    loaded = load(paths.landing, paths.warehouse)
    print(f"loaded {paths.landing}\n{loaded.describe()}")
    ok = dbt_build(paths)
    print(summarise(paths))
    if not ok:
        print("dbt build failed: see the log above", file=sys.stderr)
        return 1
    print("run complete")
    return 0

"""`ai-telemetry stats` and `ai-telemetry tools`: a developer's own numbers, from their own published file.

They read `published/developers/<developer_id>.duckdb` only (read-only; never the warehouse for numbers),
so the figures are the marts' figures by construction: a period's values are the sums of the developer's
`developer_daily_v1` rows, and its rates are ratios of those sums, as the marts define them. "Am I
improving?" is answered twice: against the previous period of the same length, and against the
developer's own trailing average (the 7 days before a day, the 4 weeks before a week, the 3 months before a
month).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.paths import Paths

# Summed from developer_daily_v1, in the order a table shows them.
COUNTS = (
    "sessions",
    "sessions_succeeded",
    "prompts",
    "ai_requests",
    "input_tokens",
    "output_tokens",
    "cache_creation_tokens",
    "cache_read_tokens",
    "total_tokens",
    "cost_usd",
    "tool_calls",
    "tool_failures",
    "lines_added",
    "lines_removed",
    "edits_accepted",
    "edits_rejected",
    "commits",
    "pull_requests",
    "active_minutes",
)
# Ratios of the sums, as the marts define them.
RATES = {"session_success_rate": ("sessions_succeeded", "sessions"), "tool_error_rate": ("tool_failures", "tool_calls")}
TRAILING = {"today": 7, "week": 4, "month": 3}  # earlier periods averaged for "my usual"


class StatsError(Exception):
    """The question cannot be answered (no published file, unknown developer); the message says why."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def before(self, kind: str) -> Period:
        """The period of the same kind just before this one."""
        if kind == "today":
            return Period(self.start - timedelta(days=1), self.start - timedelta(days=1))
        if kind == "week":
            return Period(self.start - timedelta(days=7), self.start - timedelta(days=1))
        end = self.start - timedelta(days=1)
        return Period(end.replace(day=1), end)


def period_of(kind: str, day: date) -> Period:
    """The day itself, its Monday-to-Sunday week, or its calendar month."""
    if kind == "today":
        return Period(day, day)
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    if kind == "month":
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return Period(day.replace(day=1), following - timedelta(days=1))
    raise StatsError(f"unknown period {kind!r}: today, week or month")


def developer_file(paths: Paths, developer: str | None) -> tuple[str, Path]:
    """Who "I" am and my file: --developer, else `git config user.email` through the identity model, else the
    only developer file there is."""
    folder = paths.published / "developers"
    files = sorted(folder.glob("*.duckdb")) if folder.is_dir() else []
    if not files:
        raise StatsError(f"no published developer files under {folder}: run `ai-telemetry run` first")
    if developer is None:
        developer = _developer_of_git_email(paths)
    if developer is None and len(files) == 1:
        developer = _subject(files[0])
    if developer is None:
        raise StatsError(
            f"cannot tell who you are: {len(files)} developer files and no directory entry for your "
            "`git config user.email`; pass --developer <id>"
        )
    for path in files:
        if path.stem == developer or _subject(path) == developer:
            return developer, path
    raise StatsError(f"no published file for developer {developer!r} under {folder}")


def _subject(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select subject from publish_info").fetchone()[0]
    finally:
        con.close()


def _developer_of_git_email(paths: Paths) -> str | None:
    """The developer the identity model links the git e-mail to (None when git, the e-mail or the warehouse
    is not there, or a run holds the warehouse open)."""
    try:
        email = subprocess.run(
            ["git", "config", "user.email"], capture_output=True, text=True, check=False, timeout=5
        ).stdout.strip()
    except OSError:
        return None
    if not email or not paths.warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(paths.warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(
            "select developer_id from intermediate.int_identifiers_linked "
            "where identifier_type = 'email' and identifier_value = lower(?)",
            [email],
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


def _sums(con: duckdb.DuckDBPyConnection, developer: str, period: Period) -> dict[str, float | int | None]:
    selected = ", ".join(f"coalesce(sum({c}), 0)" for c in COUNTS)
    row = con.execute(
        f"select {selected}, count(*) from developer_daily_v1 "  # noqa: S608 (column names are ours)
        "where developer_id = ? and activity_date between ? and ?",
        [developer, period.start, period.end],
    ).fetchone()
    values: dict[str, float | int | None] = dict(zip(COUNTS, row[:-1], strict=True))
    values["cost_usd"] = round(float(values["cost_usd"]), 6)
    for rate, (numerator, denominator) in RATES.items():
        values[rate] = values[numerator] / values[denominator] if values[denominator] else None
    return values


def stats(paths: Paths, kind: str, day: date, developer: str | None = None) -> dict:
    """The developer's figures for the period, the previous period, the change, and the trailing average."""
    developer, path = developer_file(paths, developer)
    current = period_of(kind, day)
    con = duckdb.connect(str(path), read_only=True)
    try:
        version = con.execute("select version from publish_info").fetchone()[0]
        now = _sums(con, developer, current)
        previous = _sums(con, developer, current.before(kind))
        earlier, cursor = [], current
        for _ in range(TRAILING[kind]):
            cursor = cursor.before(kind)
            earlier.append(_sums(con, developer, cursor))
    finally:
        con.close()
    trailing = {
        name: (
            sum(e[name] for e in earlier if e[name] is not None) / n
            if (n := sum(e[name] is not None for e in earlier))
            else None
        )
        for name in now
    }
    change = {
        name: (now[name] - previous[name]) if now[name] is not None and previous[name] is not None else None
        for name in now
    }
    return {
        "developer_id": developer,
        "period": kind,
        "start": current.start.isoformat(),
        "end": current.end.isoformat(),
        "published_version": version,
        "current": now,
        "previous": previous,
        "change": change,
        "trailing_average": trailing,
        "trailing_periods": TRAILING[kind],
    }


def tools(paths: Paths, day: date, developer: str | None = None) -> dict:
    """The developer's tools and features in the week of `day`, most used first."""
    developer, path = developer_file(paths, developer)
    week = period_of("week", day)
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select tool, feature, uses, failures, failure_rate, median_duration_seconds from developer_tool_usage_v1 "
            "where developer_id = ? and week_start = ? order by uses desc, tool, feature",
            [developer, week.start],
        ).fetchall()
    finally:
        con.close()
    columns = ("tool", "feature", "uses", "failures", "failure_rate", "median_duration_seconds")
    return {
        "developer_id": developer,
        "week_start": week.start.isoformat(),
        "tools": [dict(zip(columns, row, strict=True)) for row in rows],
    }


def _cell(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 1 else f"{value:,.2f}"
    return f"{value:,}"


def render_stats(result: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, indent=2, default=str)
    from rich.console import Console
    from rich.table import Table

    title = f"{result['developer_id']}: {result['period']} {result['start']}" + (
        f" to {result['end']}" if result["end"] != result["start"] else ""
    )
    table = Table(title=title, caption=f"published version {result['published_version']}")
    for heading in ("", "this period", "previous", "change", f"my usual (last {result['trailing_periods']})"):
        table.add_column(heading, justify="right" if heading else "left")
    for name in result["current"]:
        table.add_row(
            name,
            *(_cell(result[part][name]) for part in ("current", "previous", "change", "trailing_average")),
        )
    console = Console(width=110, record=True, force_terminal=False)
    with console.capture() as captured:
        console.print(table)
    return captured.get()


def render_tools(result: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, indent=2, default=str)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{result['developer_id']}: tools in the week of {result['week_start']}")
    for heading in ("tool", "feature", "uses", "failures", "failure rate", "median seconds"):
        table.add_column(heading, justify="left" if heading in ("tool", "feature") else "right")
    for row in result["tools"]:
        table.add_row(*(_cell(v) if not isinstance(v, str) else v for v in row.values()))
    console = Console(width=110, force_terminal=False)
    with console.capture() as captured:
        console.print(table)
    return captured.get()

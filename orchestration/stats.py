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
import math
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

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
    import duckdb

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
    import duckdb

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


def daily_rows(con: object, developer: str, schema: str = "") -> dict[str, list[float | int]]:
    """The developer's `developer_daily_v1` rows, one query: every period is summed from them in Python, so a
    question about any period costs no further query, and local mode can keep them for the next question."""
    rows = con.execute(
        f"select cast(activity_date as varchar), {', '.join(COUNTS)} "  # noqa: S608 (names are ours)
        f"from {schema}developer_daily_v1 where developer_id = ? order by activity_date",
        [developer],
    ).fetchall()
    return {day: [0 if v is None else v for v in values] for day, *values in rows}


def _sums(days: dict[str, list[float | int]], period: Period) -> dict[str, float | int | None]:
    """A period's sums of the daily rows (money and minutes summed exactly: math.fsum), and its rates."""
    start, end = period.start.isoformat(), period.end.isoformat()
    inside = [values for day, values in days.items() if start <= day <= end]
    values: dict[str, float | int | None] = {
        name: math.fsum(column) if any(isinstance(v, float) for v in column) else sum(column)
        for name, column in zip(COUNTS, zip(*inside, strict=True) if inside else [()] * len(COUNTS), strict=True)
    }
    values["cost_usd"] = round(float(values["cost_usd"]), 6)
    for rate, (numerator, denominator) in RATES.items():
        values[rate] = values[numerator] / values[denominator] if values[denominator] else None
    return values


@dataclass(frozen=True)
class Answerer:
    """Where a question is answered from: the developer's published file, or the local warehouse."""

    developer: str
    path: Path
    schema: str  # "" in a published file, "marts." in the local warehouse
    version: str

    def connect(self) -> object:
        import duckdb

        return duckdb.connect(str(self.path), read_only=True)


def published_answerer(paths: Paths, developer: str | None) -> Answerer:
    import duckdb

    developer, path = developer_file(paths, developer)
    con = duckdb.connect(str(path), read_only=True)
    try:
        version = con.execute("select version from publish_info").fetchone()[0]
    finally:
        con.close()
    return Answerer(developer, path, "", version)


def local_answerer(paths: Paths, claude_dir: Path, developer: str | None) -> tuple[Answerer, dict]:
    """Local mode (orchestration/local.py): the folder's transcripts, brought up to date first."""
    from orchestration.local import LocalModeError, default_owner, local_home, refresh

    owner = developer or default_owner()
    home = local_home(paths)
    try:
        done = refresh(home, claude_dir, owner)
    except LocalModeError as error:
        raise StatsError(str(error)) from error
    source = {
        "mode": "local",
        "claude_dir": str(claude_dir),
        "refreshed": done.refreshed,
        "refresh_seconds": round(done.seconds, 3),
        "rows_loaded": done.rows_loaded,
    }
    return Answerer(owner, home / "warehouse.duckdb", "marts.", "local"), source


def stats(paths: Paths, kind: str, day: date, developer: str | None = None, claude_dir: Path | None = None) -> dict:
    """The developer's figures for the period, the previous period, the change, and the trailing average."""
    source: dict = {"mode": "published"}
    if claude_dir is not None:
        from orchestration.local import keep_days, kept_days, local_home

        answerer, source = local_answerer(paths, claude_dir, developer)
        # Nothing changed since the last refresh: the daily rows kept then answer any period, without DuckDB.
        days = None if source["refreshed"] else kept_days(local_home(paths), answerer.developer)
        source["from_kept_rows"] = days is not None
    else:
        answerer, days = published_answerer(paths, developer), None
    if days is None:
        con = answerer.connect()
        try:
            days = daily_rows(con, answerer.developer, answerer.schema)
        finally:
            con.close()
        if claude_dir is not None:
            keep_days(local_home(paths), answerer.developer, days)
    current = period_of(kind, day)
    now = _sums(days, current)
    previous = _sums(days, current.before(kind))
    earlier, cursor = [], current
    for _ in range(TRAILING[kind]):
        cursor = cursor.before(kind)
        earlier.append(_sums(days, cursor))
    trailing = {name: _mean([e[name] for e in earlier]) for name in now}
    change = {
        name: (now[name] - previous[name]) if now[name] is not None and previous[name] is not None else None
        for name in now
    }
    result = {
        "developer_id": answerer.developer,
        "period": kind,
        "start": current.start.isoformat(),
        "end": current.end.isoformat(),
        "published_version": answerer.version,
        "source": source,
        "current": now,
        "previous": previous,
        "change": change,
        "trailing_average": trailing,
        "trailing_periods": TRAILING[kind],
    }
    return result


def _mean(values: list[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


TOOL_COLUMNS = ("tool", "feature", "uses", "failures", "failure_rate", "median_duration_seconds")


def tools(paths: Paths, day: date, developer: str | None = None) -> dict:
    """The developer's tools and features in the week of `day`, most used first."""
    answerer = published_answerer(paths, developer)
    week = period_of("week", day)
    con = answerer.connect()
    try:
        rows = con.execute(
            f"select {', '.join(TOOL_COLUMNS)} from developer_tool_usage_v1 "  # noqa: S608 (names are ours)
            "where developer_id = ? and week_start = ? order by uses desc, tool, feature",
            [answerer.developer, week.start],
        ).fetchall()
    finally:
        con.close()
    return {
        "developer_id": answerer.developer,
        "week_start": week.start.isoformat(),
        "tools": [dict(zip(TOOL_COLUMNS, row, strict=True)) for row in rows],
    }


SESSION_COLUMNS = (
    "started_at",
    "tool",
    "task_type",
    "outcome",
    "duration_minutes",
    "active_minutes",
    "prompts",
    "tool_calls",
    "tool_failures",
    "total_tokens",
    "cost_usd",
    "edits_accepted",
    "commits",
)


def sessions(paths: Paths, day: date, developer: str | None = None) -> dict:
    """The developer's sessions that started on `day`, in order."""
    answerer = published_answerer(paths, developer)
    con = answerer.connect()
    try:
        rows = con.execute(
            f"select {', '.join(SESSION_COLUMNS)} from developer_sessions_v1 "  # noqa: S608 (names are ours)
            "where developer_id = ? and activity_date = ? order by started_at, session_key",
            [answerer.developer, day],
        ).fetchall()
    finally:
        con.close()
    return {
        "developer_id": answerer.developer,
        "date": day.isoformat(),
        "sessions": [dict(zip(SESSION_COLUMNS, row, strict=True)) for row in rows],
    }


def render_sessions(result: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, indent=2, default=str)
    rows = [
        {**row, "started_at": str(row["started_at"])[11:16], "cost_usd": round(row["cost_usd"], 4)}
        for row in result["sessions"]
    ]
    return _table(f"{result['developer_id']}: sessions on {result['date']}", SESSION_COLUMNS, rows)


def _table(title: str, columns: tuple[str, ...], rows: list[dict]) -> str:
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        text = not rows or isinstance(rows[0][column], str)
        # Names are shown whole; numbers give way (their headers wrap instead).
        table.add_column(column.replace("_", " "), justify="left" if text else "right", no_wrap=text)
    for row in rows:
        table.add_row(*(_cell(row[c]) if not isinstance(row[c], str) else row[c] for c in columns))
    return _printed(table, width=160)


def _printed(table: object, width: int) -> str:
    """A rich table as the text a terminal of that width shows."""
    from rich.console import Console

    console = Console(width=width, force_terminal=False)
    with console.capture() as captured:
        console.print(table)
    return captured.get()


def _cell(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 1 else f"{value:,.2f}"
    return f"{value:,}"


def render_stats(result: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, indent=2, default=str)
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
    return _printed(table, width=110)


def render_tools(result: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, indent=2, default=str)
    title = f"{result['developer_id']}: tools in the week of {result['week_start']}"
    return _table(title, TOOL_COLUMNS, result["tools"])

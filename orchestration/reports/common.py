"""What both reports share: the dashboards' queries as rows, dates, and how a figure is written."""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.dashboards.pages import sql


class ReportError(Exception):
    """A report that cannot be made (no such team or week, a team too small); the message says why."""


def rows(con: duckdb.DuckDBPyConnection, persona: str, query: str) -> list[dict]:
    """A dashboard query's rows (orchestration/dashboards/queries/<persona>/<query>.sql) as dicts."""
    cursor = con.execute(sql(persona, query))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def day_of(value: object) -> date:
    return value.date() if hasattr(value, "date") else value


def shown(value: float | int | None, kind: str) -> str:
    """A figure as a reader sees it: kind rate (a percentage), usd, or int."""
    if value is None:
        return "–"
    if kind == "rate":
        return f"{value:.1%}"
    if kind == "usd":
        return f"${value:,.2f}"
    return f"{value:,.0f}"

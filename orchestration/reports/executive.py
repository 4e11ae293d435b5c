"""The monthly and quarterly executive summary for engineering managers (seed 004: "executive summary
reports, monthly and quarterly"), as a PDF a person would send upward.

From the org file only (no developer-level row): the North Star and its key results against the metric
catalog's targets (`seeds/metric_targets.csv`), cost per output by team, adoption and licence utilisation,
and the period's alerts. Team figures cover the teams with at least 3 active developers in a month, as the
org file does; the report says so.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.paths import PROJECT_DIR
from orchestration.reports.charts import bar_chart, line_chart
from orchestration.reports.common import ReportError, day_of, rows, shown

TARGETS = PROJECT_DIR / "seeds" / "metric_targets.csv"
HISTORY_MONTHS = 5


@dataclass(frozen=True)
class ReportPeriod:
    label: str  # 2026-10 or 2026-Q4
    start: date
    end: date  # inclusive

    @property
    def months(self) -> list[date]:
        months, cursor = [], self.start
        while cursor <= self.end:
            months.append(cursor)
            cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        return months


def report_period(text: str) -> ReportPeriod:
    """`2026-10` (a month) or `2026-Q4` (a quarter)."""
    if match := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text):
        start = date(int(match[1]), int(match[2]), 1)
        months = 1
    elif match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        start = date(int(match[1]), 3 * int(match[2]) - 2, 1)
        months = 3
    else:
        raise ReportError(f"a period is a month (2026-10) or a quarter (2026-Q4), not {text!r}")
    end = start
    for _ in range(months):
        end = (end.replace(day=28) + timedelta(days=4)).replace(day=1)
    return ReportPeriod(text, start, end - timedelta(days=1))


@dataclass(frozen=True)
class KeyResult:
    metric: str
    label: str
    value: float | None
    kind: str  # int | rate | usd
    operator: str | None
    threshold: float | None

    @property
    def met(self) -> bool | None:
        if self.value is None or self.threshold is None:
            return None
        return self.value >= self.threshold if self.operator == ">=" else self.value <= self.threshold


@dataclass(frozen=True)
class ExecutiveSummary:
    period: ReportPeriod
    version: str
    key_results: list[KeyResult]
    teams: list[dict]  # per team over the period
    monthly: list[dict]  # per month up to the period's end: sessions succeeded, cost per output (shown teams)
    licences: list[dict]
    alerts: list[dict]

    def threshold(self, metric: str) -> float | None:
        """The catalog target of a key result (read once, with the key results)."""
        return next((r.threshold for r in self.key_results if r.metric == metric), None)


def targets() -> dict[str, tuple[str, float]]:
    with TARGETS.open() as handle:
        return {row["metric"]: (row["operator"], float(row["threshold"])) for row in csv.DictReader(handle)}


def _outputs(row: dict) -> float:
    """Accepted edits, commits and PRs of a team-month: its cost over its cost per output (the mart's ratio)."""
    return row["cost_usd"] / row["cost_per_output_usd"] if row["cost_per_output_usd"] else 0.0


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def executive_summary(org_file: Path, period: ReportPeriod) -> ExecutiveSummary:
    if not org_file.exists():
        raise ReportError(f"{org_file} is not published yet: run `ai-telemetry run` first")
    con = duckdb.connect(str(org_file), read_only=True)
    try:
        version = con.execute("select version from publish_info").fetchone()[0]
        every_team_month = [r for r in rows(con, "org", "teams") if day_of(r["month_start"]) <= period.end]
        licences = [r for r in rows(con, "org", "licences") if period.start <= day_of(r["month_start"]) <= period.end]
        alerts = [r for r in rows(con, "org", "alerts") if period.start <= day_of(r["period_start"]) <= period.end]
    finally:
        con.close()
    team_months = [r for r in every_team_month if day_of(r["month_start"]) >= period.start]
    if not team_months and not licences:
        raise ReportError(f"the org file has no figures for {period.label}")
    for row in every_team_month:
        # The mart's rate is succeeded / sessions: the count it was computed from.
        row["sessions_succeeded"] = round(row["sessions"] * (row["session_success_rate"] or 0))
        row["outputs"] = _outputs(row)
    teams = []
    for team in sorted({r["team"] for r in team_months}):
        group = [r for r in team_months if r["team"] == team]
        sessions, succeeded = sum(r["sessions"] for r in group), sum(r["sessions_succeeded"] for r in group)
        cost, outputs = sum(r["cost_usd"] for r in group), sum(r["outputs"] for r in group)
        teams.append(
            {
                "team": team,
                "active_developers": max(r["active_developers"] for r in group),
                "sessions": sessions,
                "sessions_succeeded": succeeded,
                "session_success_rate": _ratio(succeeded, sessions),
                "cost_usd": cost,
                "cost_per_output_usd": _ratio(cost, outputs),
            }
        )
    monthly = []  # the period's months and up to HISTORY_MONTHS before, for the trend
    for month in sorted({day_of(r["month_start"]) for r in every_team_month})[-HISTORY_MONTHS - len(period.months) :]:
        group = [r for r in every_team_month if day_of(r["month_start"]) == month]
        cost, outputs = sum(r["cost_usd"] for r in group), sum(r["outputs"] for r in group)
        monthly.append(
            {
                "month": month.strftime("%Y-%m"),
                "sessions_succeeded": sum(r["sessions_succeeded"] for r in group),
                "cost_per_output_usd": _ratio(cost, outputs),
            }
        )
    days = (period.end - period.start).days + 1
    active = sum(t["active_developers"] for t in teams)
    sessions, succeeded = sum(t["sessions"] for t in teams), sum(t["sessions_succeeded"] for t in teams)
    cost, outputs = sum(r["cost_usd"] for r in team_months), sum(r["outputs"] for r in team_months)
    seats, used = sum(r["seats"] for r in licences), sum(r["seats_used"] for r in licences)
    goals = targets()

    def key_result(metric: str, label: str, value: float | None, kind: str) -> KeyResult:
        operator, threshold = goals.get(metric, (None, None))
        return KeyResult(metric, label, value, kind, operator, threshold)

    key_results = [
        key_result(
            "sessions_succeeded",
            "North Star: sessions succeeded per active developer per week",
            _ratio(succeeded, active * days / 7),
            "rate_plain",
        ),
        # Its target is a share of paid seats each week, which licence utilisation below measures.
        KeyResult("active_developers", "Active developers (teams shown)", active, "int", None, None),
        key_result("session_success_rate", "Session success rate", _ratio(succeeded, sessions), "rate"),
        key_result("cost_per_output_usd", "Cost per output (USD)", _ratio(cost, outputs), "usd"),
        key_result("licence_utilisation_rate", "Licence utilisation", _ratio(used, seats), "rate"),
    ]
    return ExecutiveSummary(period, version, key_results, teams, monthly, licences, alerts)


def _value(result: KeyResult) -> str:
    if result.kind == "rate_plain":
        return "–" if result.value is None else f"{result.value:.2f}"
    return shown(result.value, result.kind)


def _target(result: KeyResult) -> str:
    if result.threshold is None:
        return "no target"
    threshold = shown(result.threshold, result.kind) if result.kind in ("rate", "usd") else f"{result.threshold:g}"
    return f"{'≥' if result.operator == '>=' else '≤'} {threshold}"


# The PDF's tables: (header, field, kind), kind as `shown` takes it; "month" and "text" are written as they are.
TEAM_COLUMNS = (
    ("team", "team", "text"),
    ("active developers", "active_developers", "int"),
    ("sessions", "sessions", "int"),
    ("succeeded", "sessions_succeeded", "int"),
    ("success rate", "session_success_rate", "rate"),
    ("cost", "cost_usd", "usd"),
    ("cost per output", "cost_per_output_usd", "usd"),
)
LICENCE_COLUMNS = (
    ("month", "month_start", "month"),
    ("seat", "licence_seat", "text"),
    ("seats", "seats", "int"),
    ("used", "seats_used", "int"),
    ("utilisation", "utilisation_rate", "rate"),
    ("paid", "paid_usd", "usd"),
    ("unused paid", "unused_paid_usd", "usd"),
)


def columns(spec: tuple[tuple[str, str, str], ...], records: list[dict]) -> list[list[str]]:
    """A header row, then one row of written figures per record."""

    def written(value: object, kind: str) -> str:
        if kind == "text":
            return str(value)
        if kind == "month":
            return day_of(value).strftime("%Y-%m")
        return shown(value, kind)

    return [[header for header, _, _ in spec]] + [[written(r[f], kind) for _, f, kind in spec] for r in records]


def pdf(summary: ExecutiveSummary, out: Path) -> Path:
    """Writes the summary as a PDF (reportlab): key results, teams, licences, alerts, with charts."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]
    )

    def table(cells: list[list[str]]) -> Table:
        return Table(cells, style=grid, hAlign="LEFT")

    def chart(png: bytes) -> Image:
        return Image(io.BytesIO(png), width=16 * cm, height=6.5 * cm)

    p = summary.period
    story = [
        Paragraph(f"AI-assisted development: executive summary, {p.label}", styles["Title"]),
        Paragraph(
            f"{p.start} to {p.end}. Published version {summary.version}. Team figures cover the teams with at "
            "least 3 active developers in a month; no figure describes one person.",
            styles["Normal"],
        ),
        Spacer(1, 0.4 * cm),
        Paragraph("North Star and key results", styles["Heading2"]),
        table(
            [["key result", "value", "target", "met"]]
            + [
                [r.label, _value(r), _target(r), {True: "yes", False: "no", None: "–"}[r.met]]
                for r in summary.key_results
            ]
        ),
        Spacer(1, 0.4 * cm),
        chart(
            line_chart(
                [m["month"] for m in summary.monthly],
                {"sessions succeeded": [m["sessions_succeeded"] for m in summary.monthly]},
                "Sessions succeeded per month, the period and the months before (teams shown)",
            )
        ),
        PageBreak(),
        Paragraph("Cost per output by team", styles["Heading2"]),
        chart(
            bar_chart(
                [t["team"] for t in summary.teams],
                [t["cost_per_output_usd"] for t in summary.teams],
                "Cost per accepted edit, commit or PR (USD)",
                target=summary.threshold("cost_per_output_usd"),
            )
        ),
        table(columns(TEAM_COLUMNS, summary.teams)),
        Spacer(1, 0.4 * cm),
        Paragraph("Adoption and licence utilisation", styles["Heading2"]),
        table(columns(LICENCE_COLUMNS, summary.licences)),
        Spacer(1, 0.4 * cm),
        Paragraph(f"Alerts in {p.label} ({len(summary.alerts)})", styles["Heading2"]),
    ]
    alerts = [
        [
            a["severity"],
            a["kind"],
            a["metric"],
            f"{a['segment_type']} {a['segment_value']}",
            str(day_of(a["period_start"])),
            f"{a['observed']:.3g}",
        ]
        for a in summary.alerts[:40]
    ]
    story.append(
        table([["severity", "kind", "metric", "segment", "period", "observed"], *alerts])
        if alerts
        else Paragraph("No alert in this period.", styles["Normal"])
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(str(out), pagesize=A4, title=f"Executive summary {p.label}", author="ai-telemetry")
    document.build(story)
    return out

"""The weekly team summary (seed 004: the team lead's "weekly email summary").

For a team with at least `MIN_MEMBERS` members, from its own published file only: the week against the
previous one and the team's trend (the weeks before, as a chart), the week's alerts, and the highlights of
the members who opted in to individual sharing (the only individuals a team file holds). Rendered as an
e-mail with a plain-text and an HTML part, the chart as an inline image the HTML refers to by Content-ID.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import duckdb

from orchestration.reports.charts import line_chart
from orchestration.reports.common import ReportError, day_of, rows, shown

MIN_MEMBERS = 3  # seed 004: a weekly summary for each team with at least 3 members
TREND_WEEKS = 8
# (column, label, format) of the week-against-week table: int | rate | usd
FIGURES = (
    ("active_members", "Active members", "int"),
    ("adoption_rate", "Adoption (active / members)", "rate"),
    ("sessions", "Sessions", "int"),
    ("sessions_succeeded", "Sessions succeeded (North Star)", "int"),
    ("session_success_rate", "Session success rate", "rate"),
    ("tool_error_rate", "Tool error rate", "rate"),
    ("edits_accepted", "Edits accepted", "int"),
    ("commits", "Commits", "int"),
    ("pull_requests", "Pull requests", "int"),
    ("cost_usd", "Cost (USD)", "usd"),
)


@dataclass(frozen=True)
class TeamWeek:
    team: str
    week_start: date
    this_week: dict
    previous_week: dict | None
    trend: list[dict]  # the weeks up to this one, oldest first
    alerts: list[dict]
    highlights: list[dict]  # opted-in members' rows for the week, most succeeded sessions first
    version: str


def team_week(team_file: Path, week: date | None = None) -> TeamWeek:
    """The team's figures for the Monday-to-Sunday week containing `week` (default: its latest week)."""
    if not team_file.exists():
        raise ReportError(f"no published file for this team: {team_file}")
    con = duckdb.connect(str(team_file), read_only=True)
    try:
        team, version = con.execute("select subject, version from publish_info").fetchone()
        weeks = rows(con, "team", "weekly")
        members = rows(con, "team", "members")
        alerts = rows(con, "team", "alerts")
    finally:
        con.close()
    if not weeks:
        raise ReportError(f"team {team!r} has no week with at least 3 active members published")
    by_start = {day_of(w["week_start"]): w for w in weeks}
    start = max(by_start) if week is None else week - timedelta(days=week.weekday())
    if start not in by_start:
        published = ", ".join(str(d) for d in sorted(by_start))
        raise ReportError(f"team {team!r} has no published figures for the week of {start} (weeks: {published})")
    this_week = by_start[start]
    if this_week["members"] < MIN_MEMBERS:
        raise ReportError(f"team {team!r} has {this_week['members']} members: weekly summaries need {MIN_MEMBERS}")
    end = start + timedelta(days=6)
    return TeamWeek(
        team=team,
        week_start=start,
        this_week=this_week,
        previous_week=by_start.get(start - timedelta(days=7)),
        trend=[by_start[d] for d in sorted(by_start) if start - timedelta(weeks=TREND_WEEKS) < d <= start],
        alerts=[a for a in alerts if start <= day_of(a["period_start"]) <= end],
        highlights=sorted(
            (m for m in members if day_of(m["week_start"]) == start),
            key=lambda m: (-m["sessions_succeeded"], m["developer_id"]),
        ),
        version=version,
    )


def change(now: float | int | None, before: float | int | None, kind: str) -> str:
    if now is None or before is None:
        return "–"
    delta = now - before
    if kind == "rate":
        return f"{delta * 100:+.1f} pt"
    return f"{'+' if delta >= 0 else '-'}{shown(abs(delta), kind)}"


def figure_rows(week: TeamWeek) -> list[tuple[str, str, str, str]]:
    """(label, this week, previous week, change) for the table of both parts."""
    before = week.previous_week or {}
    return [
        (
            label,
            shown(week.this_week[c], kind),
            shown(before.get(c), kind),
            change(week.this_week[c], before.get(c), kind),
        )
        for c, label, kind in FIGURES
    ]


def _alert_line(alert: dict) -> str:
    expected = f" (expected {alert['expected']:.3g}" if alert["expected"] is not None else ""
    if expected and alert["band_low"] is not None and alert["band_high"] is not None:
        expected += f", band {alert['band_low']:.3g} to {alert['band_high']:.3g}"
    expected += ")" if expected else ""
    return (
        f"[{alert['severity']}] {alert['kind']}: {alert['metric']} for {alert['segment_type']} "
        f"{alert['segment_value']} on {day_of(alert['period_start'])} was {alert['observed']:.3g}{expected}"
    )


def plain_text(week: TeamWeek) -> str:
    lines = [f"Team {week.team}: the week of {week.week_start} (published version {week.version})", ""]
    width = max(len(r[0]) for r in figure_rows(week))
    lines.append(f"{'':{width}}  {'this week':>12}  {'previous':>12}  {'change':>12}")
    lines += [f"{label:{width}}  {a:>12}  {b:>12}  {c:>12}" for label, a, b, c in figure_rows(week)]
    lines += ["", f"Trend, last {len(week.trend)} weeks (sessions succeeded):"]
    lines += [f"  {day_of(w['week_start'])}  {w['sessions_succeeded']:>6,}" for w in week.trend]
    lines += ["", "Alerts this week:"]
    lines += [f"  {_alert_line(a)}" for a in week.alerts] or ["  none"]
    lines += ["", "Highlights of the members who share their numbers:"]
    lines += [
        f"  {m['developer_id']}: {m['sessions_succeeded']} sessions succeeded of {m['sessions']}, "
        f"{m['edits_accepted']} edits accepted, {m['commits']} commits"
        for m in week.highlights
    ] or ["  nobody in this team shares individual numbers"]
    return "\n".join(lines) + "\n"


def trend_chart(week: TeamWeek) -> bytes:
    labels = [str(day_of(w["week_start"])) for w in week.trend]
    return line_chart(
        labels,
        {"sessions": [w["sessions"] for w in week.trend], "succeeded": [w["sessions_succeeded"] for w in week.trend]},
        f"Team {week.team}: sessions per week",
    )


def html_part(week: TeamWeek, chart_src: str) -> str:
    """The summary as a page; `chart_src` is where the trend chart is (a cid: in an e-mail, a data: URI alone)."""
    escape = html.escape
    figures = "".join(
        f"<tr><td>{escape(label)}</td><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for label, a, b, c in figure_rows(week)
    )
    alerts = "".join(f"<li>{escape(_alert_line(a))}</li>" for a in week.alerts) or "<li>none</li>"
    members = "".join(
        f"<tr><td>{escape(m['developer_id'])}</td><td>{m['sessions_succeeded']}</td><td>{m['sessions']}</td>"
        f"<td>{m['edits_accepted']}</td><td>{m['commits']}</td></tr>"
        for m in week.highlights
    )
    highlights = (
        "<table><tr><th>member</th><th>succeeded</th><th>sessions</th><th>edits accepted</th><th>commits</th></tr>"
        f"{members}</table>"
        if members
        else "<p>Nobody in this team shares individual numbers.</p>"
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Team {escape(week.team)}: week of {week.week_start}</title>
<style>body{{font-family:sans-serif;max-width:720px}}td,th{{padding:2px 10px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}</style></head>
<body>
<h1>Team {escape(week.team)}: the week of {week.week_start}</h1>
<table id="figures"><tr><th></th><th>this week</th><th>previous</th><th>change</th></tr>{figures}</table>
<h2>Trend</h2>
<img id="trend" src="{chart_src}" alt="sessions per week" width="640">
<h2>Alerts this week</h2>
<ul id="alerts">{alerts}</ul>
<h2>Highlights</h2>
{highlights}
<p style="color:#777">Published version {escape(week.version)}. Individual numbers are shown only for members who
opted in; team figures describe at least 3 active people.</p>
</body></html>
"""


def email(week: TeamWeek, chart: bytes, sender: str, recipients: list[str]) -> EmailMessage:
    """The summary as one e-mail: text/plain, then text/html with the trend chart (PNG bytes) inline
    (multipart/related)."""
    message = EmailMessage()
    message["Subject"] = f"AI-assisted development, team {week.team}: week of {week.week_start}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(plain_text(week))
    cid = make_msgid(domain="ai-telemetry.local")
    message.add_alternative(html_part(week, f"cid:{cid[1:-1]}"), subtype="html")
    html_payload = message.get_payload()[1]
    html_payload.add_related(chart, maintype="image", subtype="png", cid=cid, filename="trend.png")
    return message

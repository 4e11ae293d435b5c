"""Making and delivering the reports, for the CLI (`ai-telemetry report`) and the Dagster schedules."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from orchestration.paths import Paths
from orchestration.reports.common import ReportError
from orchestration.reports.delivery import CONFIG_FILE as CONFIG
from orchestration.reports.delivery import DeliveryError, config, reports_folder, send
from orchestration.reports.executive import ReportPeriod, executive_summary, pdf
from orchestration.reports.weekly import email, html_part, team_week, trend_chart

SENDER = "ai-telemetry@localhost"


@dataclass(frozen=True)
class Made:
    subject: str  # the team, or the period
    files: tuple[Path, ...]
    sent_to: tuple[str, ...] = ()
    note: str | None = None  # why no report was made or sent for this subject


def weekly(paths: Paths, team: str | None, week: date | None, send_mail: bool) -> list[Made]:
    """The weekly summary of one team (or of every published team when `team` is None), written under
    reports/weekly/ as an .eml and a browser-viewable .html; sent to the team's recipients when asked."""
    folder = paths.published / "teams"
    files = [folder / f"{team}.duckdb"] if team else sorted(folder.glob("*.duckdb"))
    if not files:
        raise ReportError(f"no team files under {folder}: run `ai-telemetry run` first")
    settings = config(paths) if send_mail else None
    made = []
    for path in files:
        try:
            summary = team_week(path, week)
        except ReportError as error:
            if team:  # asked for this team by name: say why not
                raise
            made.append(Made(path.stem, (), note=f"no report: {error}"))
            continue
        recipients = settings.team_recipients.get(summary.team, []) if settings else []
        chart = trend_chart(summary)  # drawn once: the e-mail and the page show the same image
        message = email(summary, chart, settings.smtp.sender if settings and settings.smtp else SENDER, recipients)
        out = reports_folder(paths, "weekly") / f"{summary.team}-{summary.week_start}"
        out.with_suffix(".eml").write_bytes(bytes(message))
        # The same page with the chart embedded, for a browser (an .eml's cid: image needs a mail client).
        embedded = f"data:image/png;base64,{base64.b64encode(chart).decode()}"
        out.with_suffix(".html").write_text(html_part(summary, embedded))
        written = (out.with_suffix(".eml"), out.with_suffix(".html"))
        if send_mail and not recipients:
            made.append(Made(summary.team, written, note=f"not sent: no recipients for it in {CONFIG}"))
            continue
        if send_mail:
            if settings is None or settings.smtp is None:
                raise DeliveryError(f"no SMTP server configured in {paths.home / CONFIG}")
            send(message, settings.smtp)
        made.append(Made(summary.team, written, tuple(recipients)))
    return made


def executive(paths: Paths, period: ReportPeriod) -> Made:
    """The executive summary PDF for a month or a quarter, under reports/executive/."""
    summary = executive_summary(paths.published / "org.duckdb", period)
    return Made(period.label, (pdf(summary, reports_folder(paths, "executive") / f"{period.label}.pdf"),))


def last_complete_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def last_complete_quarter(today: date) -> str:
    end = today.replace(day=1, month=3 * ((today.month - 1) // 3) + 1) - timedelta(days=1)
    return f"{end.year}-Q{(end.month - 1) // 3 + 1}"

"""The reports people receive: each team's weekly summary, mailed through an SMTP server on 127.0.0.1 and
opened in headless Chromium, and the executive summary PDF, its pages turned into images with pdftoppm and
its text read back with pdftotext. Every figure is checked against the published file it came from."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import duckdb
import pytest
from test_dagster_ui import CHROMIUM, CHROMIUM_ARGS, free_port

from orchestration.cli import main
from orchestration.paths import PROJECT_DIR, Paths
from orchestration.reports.common import shown
from orchestration.reports.executive import report_period
from orchestration.reports.make import last_complete_month, last_complete_quarter

SCREENSHOTS = PROJECT_DIR / "target" / "reports"


def rows(path: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def needs(tool: str | None, what: str) -> None:
    if tool is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {what} is not installed")
        pytest.skip(f"{what} is not installed here (CI installs it)")


def test_report_periods() -> None:
    assert (report_period("2026-10").start, report_period("2026-10").end) == (date(2026, 10, 1), date(2026, 10, 31))
    quarter = report_period("2026-Q1")
    assert (quarter.start, quarter.end, len(quarter.months)) == (date(2026, 1, 1), date(2026, 3, 31), 3)
    assert last_complete_month(date(2026, 1, 1)) == "2025-12"
    assert last_complete_quarter(date(2026, 4, 1)) == "2026-Q1"
    assert last_complete_quarter(date(2026, 2, 15)) == "2025-Q4"
    with pytest.raises(Exception, match=r"a month .* or a quarter"):
        report_period("2026-13")


class Inbox:
    """aiosmtpd's handler: keeps every message the server accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.mark.slow
def test_weekly_summaries_mailed_and_opened_in_a_browser(home_copy: Paths, monkeypatch, capsys) -> None:
    from aiosmtpd.controller import Controller

    paths = home_copy
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    team_files = sorted((paths.published / "teams").glob("*.duckdb"))
    assert len(team_files) >= 2
    recipients = {f.stem: [f"lead-{f.stem}@example.com"] for f in team_files}
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = {"host": "127.0.0.1", "port": port, "sender": "reports@example.com"}
        (paths.home / "reports.json").write_text(json.dumps({"smtp": smtp, "team_recipients": recipients}))
        assert main(["report", "weekly", "--send"]) == 0
    finally:
        controller.stop()
    out = capsys.readouterr().out
    received = {message["Subject"].split("team ")[1].split(":")[0]: (to, message) for to, message in inbox.messages}
    assert set(received) == set(recipients), out
    for path in team_files:
        to, message = received[path.stem]
        assert to == recipients[path.stem]
        week = rows(path, "select * from team_weekly order by week_start desc limit 1")[0]
        assert (
            str(week["week_start"].date() if hasattr(week["week_start"], "date") else week["week_start"])
            in (message["Subject"])
        )
        parts = {part.get_content_type(): part for part in message.walk()}
        assert {"text/plain", "text/html", "image/png"} <= set(parts)
        text = parts["text/plain"].get_content()
        html = parts["text/html"].get_content()
        for label, column, kind in (
            ("Sessions", "sessions", "int"),
            ("Sessions succeeded (North Star)", "sessions_succeeded", "int"),
            ("Cost (USD)", "cost_usd", "usd"),
        ):
            figure = shown(week[column], kind)
            line = next(line for line in text.splitlines() if line.startswith(f"{label}  "))
            assert line[len(label) :].split()[0] == figure, (path.stem, line, figure)
            assert f"<td>{label}</td><td>{figure}</td>" in html.replace("&amp;", "&")
        # The chart is inline: the HTML names the image part by its Content-ID, and it is a PNG.
        cid = parts["image/png"]["Content-ID"].strip("<>")
        assert f"cid:{cid}" in html and parts["image/png"].get_content()[:8] == b"\x89PNG\r\n\x1a\n"
        # Only opted-in members are named: the team file's member rows are exactly those.
        members = {r["developer_id"] for r in rows(path, "select developer_id from team_member_weekly")}
        named = {word for word in text.split() if word.rstrip(":").startswith("dev_")}
        assert {n.rstrip(":") for n in named} <= members
    # Opened as a reader would: the written page shows the figures and the chart drawn.
    needs(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1100})
            for page_file in sorted((paths.home / "reports" / "weekly").glob("*.html")):
                page.goto(page_file.as_uri())
                assert page.eval_on_selector("#trend", "img => img.complete && img.naturalWidth") > 300
                team = page_file.stem.rsplit("-", 3)[0]
                week = rows(paths.published / "teams" / f"{team}.duckdb", "select max(sessions) m from team_weekly")
                assert "Sessions" in page.inner_text("#figures") and week
                page.screenshot(path=str(SCREENSHOTS / f"{page_file.stem}.png"), full_page=True)
        finally:
            browser.close()


@pytest.mark.slow
def test_a_refused_mail_is_a_clear_error(home_copy: Paths, monkeypatch, capsys) -> None:
    paths = home_copy
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    team = sorted((paths.published / "teams").glob("*.duckdb"))[0].stem
    smtp = {"host": "127.0.0.1", "port": free_port(), "sender": "reports@example.com"}  # nobody listens
    (paths.home / "reports.json").write_text(json.dumps({"smtp": smtp, "team_recipients": {team: ["a@example.com"]}}))
    assert main(["report", "weekly", "--team", team, "--send"]) == 2
    assert "did not take the report" in capsys.readouterr().err
    assert main(["report", "weekly", "--team", "no-such-team"]) == 2
    assert "no published file" in capsys.readouterr().err


@pytest.mark.slow
def test_executive_summary_pdf_pages_show_the_months_figures(home_copy: Paths, monkeypatch, capsys) -> None:
    needs(shutil.which("pdftoppm"), "poppler-utils (pdftoppm)")
    paths = home_copy
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    org = paths.published / "org.duckdb"
    month = rows(org, "select max(month_start) as m from org_team_monthly")[0]["m"]
    label = month.strftime("%Y-%m")
    assert main(["report", "monthly", "--month", label]) == 0
    pdf = paths.home / "reports" / "executive" / f"{label}.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("executive-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "executive")], check=True)
    pages = sorted(SCREENSHOTS.glob("executive-*.png"))
    assert len(pages) >= 2
    from PIL import Image

    for page in pages:
        colours = Image.open(page).convert("L").getextrema()
        assert colours[0] < 100 < colours[1], f"{page} is blank"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    teams = rows(org, f"select * from org_team_monthly where month_start = '{month}'")
    assert teams
    for team in teams:
        line = next(line for line in text.splitlines() if line.split()[:1] == [team["team"]])
        assert shown(team["cost_usd"], "usd") in line and shown(team["sessions"], "int") in line, line
    seats = rows(org, f"select sum(seats) s, sum(seats_used) u from licence_utilisation where month_start = '{month}'")
    utilisation = shown(seats[0]["u"] / seats[0]["s"], "rate")
    assert any("Licence utilisation" in line and utilisation in line for line in text.splitlines()), utilisation
    alerts = rows(org, f"select count(*) n from org_alerts where date_trunc('month', period_start) = '{month}'")
    assert f"Alerts in {label} ({alerts[0]['n']})" in text
    # A quarter names its three months; the schedule asks for the quarter before its run.
    quarter = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    assert main(["report", "monthly", "--quarter", quarter]) == 0
    assert (paths.home / "reports" / "executive" / f"{quarter}.pdf").exists()


def test_schedules_ask_for_the_period_before() -> None:
    from dagster import build_schedule_context

    from orchestration.defs.schedules import monthly_executive_summary, quarterly_executive_summary

    when = datetime(2026, 10, 1, 7, tzinfo=UTC)
    monthly = monthly_executive_summary(build_schedule_context(scheduled_execution_time=when))
    quarterly = quarterly_executive_summary(build_schedule_context(scheduled_execution_time=when))
    assert monthly.run_config["ops"]["executive_summary_pdf"]["config"]["period"] == "2026-09"
    assert quarterly.run_config["ops"]["executive_summary_pdf"]["config"]["period"] == "2026-Q3"

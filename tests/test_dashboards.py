"""Every persona's dashboards, as a person sees them: served over that persona's published file, each page
opened in headless Chromium, its charts drawn and its headline figures equal to the published marts."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import duckdb
import pytest
from test_dagster_ui import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_server

from orchestration.dashboards import sites
from orchestration.dashboards.pages import PERSONAS, Chart, Metrics, formatted, sql
from orchestration.paths import PROJECT_DIR, Paths

pytestmark = pytest.mark.slow

SCREENSHOTS = PROJECT_DIR / "target" / "dashboards"
CHARTS = '[data-testid="stVegaLiteChart"], .js-plotly-plot'


def table(path: Path, name: str) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(f'select * from "{name}"')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def total(rows: list[dict], column: str) -> float:
    return sum(r[column] or 0 for r in rows)


def expected_figures(site: sites.Site) -> dict[str, str]:
    """The headline figures each first page must show, summed here from the published rows themselves."""
    f = site.file
    if site.persona == "developer":
        daily = table(f, "developer_daily")
        return {
            "Active days": formatted(len(daily), "int"),
            "Sessions": formatted(total(daily, "sessions"), "int"),
            "Cost": formatted(total(daily, "cost_usd"), "usd"),
        }
    if site.persona == "team":
        weekly = table(f, "team_weekly")
        return {
            "Sessions": formatted(total(weekly, "sessions"), "int"),
            "Cost": formatted(total(weekly, "cost_usd"), "usd"),
        }
    if site.persona == "org":
        daily = table(f, "org_daily")
        outputs = sum(r["edits_accepted"] + r["commits"] + r["pull_requests"] for r in daily)
        return {
            "Cost": formatted(total(daily, "cost_usd"), "usd"),
            "Outputs (edits, commits, PRs)": formatted(outputs, "int"),
        }
    if site.persona == "platform":
        health = table(f, "pipeline_health")
        return {
            "Load batches": formatted(len(health), "int"),
            "Rows loaded": formatted(total(health, "rows_loaded"), "int"),
        }
    return {}


def rows_of(site: sites.Site, query: str) -> int:
    con = duckdb.connect(str(site.file), read_only=True)
    try:
        return len(con.execute(sql(site.persona, query)).fetchall())
    finally:
        con.close()


def test_build_answers_every_query_of_every_site(validated: Paths) -> None:
    every = sites.every_site(validated)
    assert {s.persona for s in every} == set(PERSONAS)
    answered = sites.check(every)
    assert sum(len(q) for q in answered.values()) == sum(
        len({b.query for p in PERSONAS[s.persona].pages for b in p.blocks}) for s in every
    )
    # A mart the pages read, gone from a file, is named with its query, not found in a reader's browser.
    broken = sites.Site("org", None, validated.published / "platform.duckdb")
    with pytest.raises(sites.DashboardError, match=r"org .*\.sql"):
        sites.check([broken])


def test_every_persona_page_renders_its_charts_and_the_published_figures(validated: Paths) -> None:
    if not CHROMIUM:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but no chromium is installed")
        pytest.skip("no chromium on this machine (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    team_files = sorted((validated.published / "teams").glob("*.duckdb"))
    # The team with opted-in members, so the drill-down has someone to show.
    team = max(team_files, key=lambda p: len(table(p, "team_member_weekly"))).stem
    developer = sorted((validated.published / "developers").glob("*.duckdb"))[0].stem
    chosen = [
        sites.site(validated, "developer", developer=developer),
        sites.site(validated, "team", team=team),
        *(sites.site(validated, persona) for persona in ("org", "platform", "product")),
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "AI_TELEMETRY_HOME": str(validated.home)}
    with ExitStack() as stack:
        servers = {}
        for site in chosen:
            port = free_port()
            args = [site.persona, "--port", str(port)]
            args += ["--developer", developer] if site.persona == "developer" else []
            args += ["--team", team] if site.persona == "team" else []
            command = [sys.executable, "-m", "orchestration.cli", "dashboards", "serve", *args]
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            stack.callback(process.wait, 20)
            stack.callback(process.terminate)
            servers[site.label] = (site, port, process)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for label, (site, port, process) in servers.items():
            wait_for_server(f"http://127.0.0.1:{port}", process, timeout=60, probe="/_stcore/health", pause=0.3)
            for number, spec in enumerate(PERSONAS[site.persona].pages):
                page.goto(f"http://127.0.0.1:{port}/{spec.slug}")
                page.get_by_role("heading", name=spec.title).first.wait_for(timeout=30_000)
                charts = [b for b in spec.blocks if isinstance(b, Chart) and rows_of(site, b.query)]
                if charts:
                    page.wait_for_function(
                        "n => document.querySelectorAll(`[data-testid=stVegaLiteChart] canvas, "
                        "[data-testid=stVegaLiteChart] svg, .js-plotly-plot svg`).length >= n",
                        arg=len(charts),
                        timeout=30_000,
                    )
                page.wait_for_timeout(500)
                page.screenshot(path=str(SCREENSHOTS / f"{label.replace(':', '-')}-{spec.slug}.png"), full_page=True)
                assert page.locator('[data-testid="stException"]').count() == 0, f"{label} {spec.slug}: an error box"
                drawn = page.locator(CHARTS)
                assert drawn.count() == len(charts), f"{label} {spec.slug}: {drawn.count()} charts of {len(charts)}"
                for i in range(drawn.count()):
                    box = drawn.nth(i).bounding_box()
                    assert box and box["width"] > 100 and box["height"] > 100, f"{label} {spec.slug}: an empty chart"
                text = page.locator('[data-testid="stMain"]').inner_text()
                if number == 0 and any(isinstance(b, Metrics) for b in spec.blocks):
                    for name, value in expected_figures(site).items():
                        assert f"{name}\n\n{value}" in text or f"{name}\n{value}" in text, f"{label}: {name} {value}"
                if spec.pick:
                    # The drill-down offers exactly the team's opted-in members, nobody else.
                    members = {r["developer_id"] for r in table(site.file, "team_member_weekly")}
                    page.locator('[data-testid="stSelectbox"]').click()
                    offered = set(page.locator('[role="option"]').all_inner_texts())
                    page.keyboard.press("Escape")
                    assert offered == members and members, (offered, members)
                if site.persona == "developer":
                    others = {p.stem for p in (validated.published / "developers").glob("*.duckdb")} - {developer}
                    assert not [o for o in others if o in text], f"another developer appears on {spec.slug}"

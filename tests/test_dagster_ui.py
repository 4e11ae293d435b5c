"""`dagster dev` started as the README says (`make dev`), its UI read in headless Chromium.

A run with a planted fault is recorded in the same Dagster instance first, so the UI must show the asset
graph by layer, the checks on a mart with the failed Great Expectations check, the sensor, the schedule and
the jobs. Screenshots land in target/ui/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from conftest import digests

from orchestration.paths import PROJECT_DIR, Paths
from orchestration.pipeline import dagster_home

# Every test here reads or copies the suite's built organisation: none is in `make test-fast`.
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a machine with no display and a closed network (background fetches are refused, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_DIR / "target" / "ui"
GROUPS = ["raw", "staging", "intermediate", "events", "sessions", "value_streams", "marts_org", "published"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(
    url: str, process: subprocess.Popen, timeout: float = 240, probe: str = "/server_info", pause: float = 2
) -> None:
    """Until `url + probe` answers 200; fails as soon as the server process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}{probe}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(pause)
    raise TimeoutError(f"nothing answered on {url} within {timeout} s")


@pytest.fixture
def home_with_failed_run(home_copy: Paths, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A copy of the validated home whose Dagster instance holds a run held back by negative costs."""
    paths = home_copy
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute("update marts.developer_weekly_v1 set cost_usd = -1")
    finally:
        con.close()
    before = digests(paths.published)
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home(paths)))
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def("validate_and_publish").execute_in_process(
            instance=instance, raise_on_error=False
        )
    assert not result.success and digests(paths.published) == before
    return paths


def test_dagster_dev_ui_shows_assets_checks_sensor_and_schedule(home_with_failed_run: Paths) -> None:
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but no chromium is installed")
        pytest.skip("no chromium on this machine (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    from orchestration.definitions import defs

    materialisable = len(defs.resolve_asset_graph().materializable_asset_keys)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "AI_TELEMETRY_HOME": str(home_with_failed_run.home)}
    env.pop("DAGSTER_HOME", None)  # `make dev` sets it from AI_TELEMETRY_HOME, as for a new user
    server = subprocess.Popen(
        ["make", "--no-print-directory", "dev", f"VENV={venv}", f"DAGSTER_PORT={port}"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        wait_for_server(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})

            def visit(path: str, name: str, must_show: list[str]) -> str:
                page.goto(url + path, wait_until="networkidle", timeout=120_000)
                for text in must_show:
                    page.get_by_text(text, exact=True).first.wait_for(timeout=60_000)
                skip = page.get_by_role("button", name="Skip")
                if skip.count():  # the first visit asks to join the community
                    skip.first.click()
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
                return page.inner_text("body")

            lineage = visit("/asset-groups", "asset_graph", GROUPS)
            count = re.search(r"Materialize all \((\d+)\)", lineage)
            assert count and int(count.group(1)) == materialisable, lineage[:2000]

            checks = visit(
                "/assets/marts/developer_weekly_v1?view=checks",
                "developer_weekly_checks",
                ["great_expectations", "Failed"],
            )
            # dbt tests on the mart are checks too.
            assert re.search(r"unique_key_developer_weekly_v1_\w+", checks), checks[:2000]

            visit("/automation", "automation", ["new_raw_files", "nightly_full_run"])
            visit("/jobs", "jobs", ["full_run", "validate_and_publish"])
            runs = visit("/runs", "runs", ["validate_and_publish"])
            assert "Failure" in runs, runs[:2000]
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

"""The analytics API, served on 127.0.0.1 over the suite's published product file: tokens per audience, the
OpenAPI page without a CDN, answers equal to MetricFlow's on the same data, and refusals for every question
that would need a cut finer than the product audience may see."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from test_catalog import close, mf_query, number
from test_dagster_ui import free_port, wait_for_server

from orchestration import api
from orchestration.paths import Paths

pytestmark = pytest.mark.slow


class Client:
    def __init__(self, base: str, token: str | None) -> None:
        self.base, self.token = base, token

    def get(self, path: str, **params: str | list[str]) -> tuple[int, dict]:
        query = urllib.parse.urlencode(params, doseq=True)
        request = urllib.request.Request(f"{self.base}{path}{'?' + query if query else ''}")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def served(validated: Paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Paths]]:
    """The API over the suite's published files (linked, never written), with its own token file."""
    home = tmp_path_factory.mktemp("api_home")
    (home / "published").symlink_to(validated.published)
    paths = Paths(home)
    port = free_port()
    env = {**os.environ, "AI_TELEMETRY_HOME": str(home)}
    command = [sys.executable, "-m", "orchestration.cli", "api", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_server(f"http://127.0.0.1:{port}", process, timeout=60, probe="/openapi.json", pause=0.3)
        yield f"http://127.0.0.1:{port}", paths
    finally:
        process.terminate()
        process.wait(20)


def test_tokens_per_audience_and_the_openapi_page(served: tuple[str, Paths]) -> None:
    base, paths = served
    assert Client(base, None).get("/metrics")[0] == 401
    assert Client(base, "not-a-token").get("/metrics")[0] == 401
    org = api.new_token(paths, "org", "a manager's tool")
    status, body = Client(base, org).get("/metrics")
    assert status == 403 and "org audience" in body["detail"]
    stored = (paths.home / api.TOKENS_FILE).read_text()
    assert org not in stored, "only the token's hash is kept"
    with urllib.request.urlopen(f"{base}/openapi.json", timeout=30) as response:
        spec = json.loads(response.read())
    assert {"/metrics", "/metrics/{name}"} <= set(spec["paths"])
    with urllib.request.urlopen(f"{base}/docs", timeout=30) as response:
        page = response.read().decode()
    assert "/static/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    with urllib.request.urlopen(f"{base}/static/swagger-ui-bundle.js", timeout=30) as response:
        assert response.status == 200 and len(response.read()) > 100_000


def test_answers_equal_metricflow_and_every_row_describes_three_people(
    served: tuple[str, Paths], validated: Paths, tmp_path: Path
) -> None:
    base, paths = served
    client = Client(base, api.new_token(paths, "product", "research"))
    status, listing = client.get("/metrics")
    assert status == 200
    metrics = {m["name"]: m for m in listing["metrics"]}
    product_marts = {name.rsplit("_v", 1)[0] for name in json.loads(api.AUDIENCES.read_text())["product"]}
    assert {"feature_uses", "active_developers", "sessions", "cohort_retention_rate"} <= set(metrics)
    assert all(s["mart"] in product_marts for m in metrics.values() for s in m["sources"])
    assert metrics["feature_uses"]["owner"] == "@ai-telemetry/product-research"

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(validated.warehouse, home / "warehouse.duckdb")
    # Weekly feature usage against MetricFlow on the warehouse. The mart names a use with no tool or model
    # 'n/a' where the semantic layer names it by its event object: those rows are compared by event alone.
    weekly = mf_query(
        home,
        ["feature_uses", "active_developers"],
        ["metric_time__week", "tool", "event__event_name", "event__feature"],
        tmp_path / "weekly.csv",
    )
    reference = {
        (r["metric_time__week"][:10], r["tool"], r["event__event_name"], r["event__feature"]): r for r in weekly
    }
    for metric in ("feature_uses", "active_developers"):
        # Both are published by cursor_features_weekly too: the question names its source.
        status, body = client.get(f"/metrics/{metric}", grain="week", source="feature_usage_weekly")
        assert status == 200 and body["source"]["mart"] == "feature_usage_weekly"
        compared = 0
        for row in body["rows"]:
            assert row["people"] >= 3
            d = row["dimensions"]
            if d["feature"] == "n/a":
                continue
            expected = reference[(row["period"], d["tool"], d["event_name"], d["feature"])]
            assert close(number(expected[metric]), row["value"]), (metric, row, expected)
            compared += 1
        assert compared >= 20, compared
    # Sessions over the whole period, by tool, persona and outcome.
    sessions = mf_query(home, ["sessions"], ["tool", "developer__persona", "session__outcome"], tmp_path / "s.csv")
    reference = {(r["tool"], r["developer__persona"], r["session__outcome"]): r for r in sessions}
    status, body = client.get("/metrics/sessions")
    assert status == 200 and len(body["rows"]) >= 3
    for row in body["rows"]:
        d = row["dimensions"]
        assert row["people"] >= 3
        assert close(number(reference[(d["tool"], d["persona"], d["outcome"])]["sessions"]), row["value"]), row

    # A filter on a published dimension selects whole published rows.
    status, everything = client.get("/metrics/feature_uses", grain="week")
    status, filtered = client.get("/metrics/feature_uses", grain="week", where="tool:claude_code", start="2026-01-01")
    assert status == 200 and filtered["rows"]
    assert filtered["rows"] == [r for r in everything["rows"] if r["dimensions"]["tool"] == "claude_code"]


@pytest.mark.parametrize(
    ("params", "refusal"),
    [
        ({"grain": "month"}, "only as"),
        ({"grain": "week", "group_by": "tool"}, "only as"),
        ({"grain": "week", "where": "developer_id:dev_0001"}, "cannot filter on 'developer_id'"),
        ({"grain": "week", "where": "team:mobile"}, "cannot filter on 'team'"),
        ({"grain": "week", "where": "client_version:2.1.0"}, "cannot filter on 'client_version'"),
    ],
)
def test_a_question_that_needs_a_finer_cut_is_refused(
    served: tuple[str, Paths], params: dict[str, str], refusal: str
) -> None:
    base, paths = served
    client = Client(base, api.new_token(paths, "product", "research"))
    status, body = client.get("/metrics/feature_uses", **params)
    assert status == 403 and refusal in body["detail"], body
    assert client.get("/metrics/no_such_metric")[0] == 404


def test_a_file_published_before_a_mart_answers_what_it_has(validated: Paths, tmp_path: Path) -> None:
    """A product file from before milestone_timing existed: its metrics are listed without that mart, and a
    metric only that mart carries is unknown there (not a server error)."""
    older = tmp_path / "product.duckdb"
    shutil.copy((validated.published / "product.duckdb").resolve(), older)
    older.chmod(0o644)
    con = duckdb.connect(str(older))
    try:
        con.execute("drop view milestone_timing")
        con.execute("drop table milestone_timing_v1")
    finally:
        con.close()
    metrics = api.product_metrics(older)
    assert "feature_uses" in metrics and "days_to_milestone" not in metrics
    assert "days_to_milestone" in api.product_metrics(validated.published / "product.duckdb")
    with pytest.raises(api.ApiError) as refused:
        api.answer(older, metrics, api.Question("days_to_milestone"), 3)
    assert refused.value.status == 404

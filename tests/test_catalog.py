"""The metric catalog: every mart measure is a metric with its meta, MetricFlow answers match the marts,
generated docs are current, definitions and mart shapes are versioned, and the review report shows a metric
change and nothing else."""

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import query

from orchestration.catalog import (
    REQUIRED_META,
    Outputs,
    build_catalog,
    generate_files,
    mart_version_problems,
    parse_project,
    run_catalog,
)
from orchestration.marts import load_audiences
from orchestration.paths import HOME_ENV_VAR, PROJECT_DIR, Paths
from orchestration.review import ReviewConfig, run_review, touched

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    return parse_project(PROJECT_DIR, tmp_path_factory.mktemp("parse"))


def test_every_mart_measure_column_maps_to_a_metric_with_all_meta(parsed: tuple[dict, dict]) -> None:
    catalog = build_catalog(*parsed)
    assert catalog.problems == []
    columns = {f"{relation}.{c}" for relation, cs in catalog.measure_columns.items() for c in cs}
    published = [mart for marts in load_audiences().values() for mart in marts]
    # Every versioned mart, each published to one audience, and their numeric columns.
    assert sorted(catalog.measure_columns) == sorted(published) and len(columns) > 100
    mapped = {column: m for m in catalog.metrics.values() for column in m.meta["mart_columns"]}
    assert columns <= set(mapped)
    for metric in {m.name: m for m in mapped.values()}.values():
        for key in REQUIRED_META:
            if key != "drives" or metric.meta["tier"] != "north_star":
                assert metric.meta[key] not in (None, "", []) or key == "mart_columns", (metric.name, key)
    tiers = [m.meta["tier"] for m in catalog.metrics.values()]
    assert tiers.count("north_star") == 1 and 3 <= tiers.count("key_result") <= 5
    north_star = next(m for m in catalog.metrics.values() if m.meta["tier"] == "north_star")
    assert all(m.meta["drives"] == north_star.name for m in catalog.metrics.values() if m.meta["tier"] == "key_result")


def test_rules_catch_an_unmapped_column_and_missing_meta(parsed: tuple[dict, dict]) -> None:
    manifest, semantic = copy.deepcopy(parsed[0]), copy.deepcopy(parsed[1])
    cost = next(m for m in semantic["metrics"] if m["name"] == "cost_usd")
    cost["config"]["meta"]["mart_columns"].remove("developer_daily_v1.cost_usd")
    del cost["config"]["meta"]["target"]
    problems = build_catalog(manifest, semantic).problems
    assert "mart column developer_daily_v1.cost_usd maps to no metric: add it to mart_columns" in problems
    assert "metric cost_usd: meta missing target" in problems
    assert len(problems) == 2


def test_a_published_mart_version_keeps_its_columns(parsed: tuple[dict, dict]) -> None:
    registry = json.loads((PROJECT_DIR / "docs" / "mart_versions.json").read_text())
    current = build_catalog(*parsed).marts
    # team_weekly v1 (per-member extremes: a privacy fix) was deprecated and removed on 2026-12-02.
    assert mart_version_problems(registry, current, date(2026, 12, 2)) == []
    changed = copy.deepcopy(current)
    del changed["developer_daily"]["versions"]["1"]["columns"]["prompts"]
    changed["team_weekly"]["versions"]["2"]["columns"]["cost_usd"] = "varchar"
    problems = mart_version_problems(registry, changed, date(2026, 12, 2))
    assert problems == [
        "mart developer_daily v1 changed shape (removed prompts): keep v1 as it is, add v2 with the new shape and "
        "give v1 a deprecation_date",
        "mart team_weekly v2 changed shape (cost_usd double -> varchar): keep v2 as it is, add v3 with the new "
        "shape and give v2 a deprecation_date",
    ]
    # v1 kept beside a new v2 until its deprecation date; removing it earlier is refused, later allowed.
    registry["org_daily"]["versions"]["1"]["deprecation_date"] = "2027-01-31"
    gone = copy.deepcopy(current)
    gone["org_daily"]["versions"] = {"2": current["org_daily"]["versions"]["1"]}
    assert mart_version_problems(registry, gone, date(2027, 1, 1)) == [
        "mart org_daily v1 was removed before its deprecation date (2027-01-31)"
    ]
    assert mart_version_problems(registry, gone, date(2027, 2, 1)) == []


def project_copy(tmp_path: Path) -> Path:
    """The dbt project and its generated catalog files, without data or build output."""
    root = tmp_path / "project"
    for name in ("models", "macros", "seeds", "profiles", "docs", ".github", "tests", "expectations"):
        # Python files are left behind, but for the dbt Python models.
        skipped = ("__pycache__",) if name == "models" else ("*.py", "__pycache__")
        shutil.copytree(PROJECT_DIR / name, root / name, ignore=shutil.ignore_patterns(*skipped))
    shutil.copy(PROJECT_DIR / "dbt_project.yml", root / "dbt_project.yml")
    (root / "orchestration").mkdir()
    shutil.copy(PROJECT_DIR / "orchestration" / "audiences.json", root / "orchestration" / "audiences.json")
    return root


def change_cost_per_session(root: Path) -> None:
    path = root / "models" / "marts" / "semantic" / "_metrics__finops.yml"
    text = path.read_text()
    before = "    expr: cost_usd / nullif(sessions, 0)\n    metrics:\n    - name: cost_usd\n    - name: sessions\n"
    after = (
        "    expr: cost_usd / nullif(sessions_succeeded, 0)\n    metrics:\n    - name: cost_usd\n"
        "    - name: sessions_succeeded\n"
    )
    assert before in text
    path.write_text(text.replace(before, after))


@pytest.mark.slow
def test_catalog_is_current_and_a_formula_change_gets_a_version(tmp_path: Path) -> None:
    # `make lint` checks that the committed files match the committed YAML (`catalog --check`); here, a copy.
    root = project_copy(tmp_path)
    change_cost_per_session(root)
    assert run_catalog(check=True, project_dir=root) == 1  # stale: CI fails
    assert run_catalog(check=False, project_dir=root, today=date(2026, 12, 3)) == 0
    before = json.loads((PROJECT_DIR / "docs" / "metric_versions.json").read_text())
    after = json.loads((root / "docs" / "metric_versions.json").read_text())
    bumped = {name for name in after if len(after[name]) != len(before[name])}
    assert bumped == {"cost_per_session_usd"}
    assert after["cost_per_session_usd"][-1]["version"] == 2
    assert after["cost_per_session_usd"][-1]["since"] == "2026-12-03"
    changelog = (root / "docs" / "metrics_changelog.md").read_text()
    section = changelog.split("## 2026-12-03\n", 1)[1].split("\n## ", 1)[0]
    (entry,) = [line for line in section.splitlines() if line.startswith("- **cost_per_session_usd**")]
    assert entry.startswith("- **cost_per_session_usd** v2 (was v1):")
    expr_change = '`type_params.expr`: `"cost_usd / nullif(sessions, 0)"` → `"cost_usd / nullif(sessions_succeeded, 0)"'
    assert expr_change + "`" in section
    # The only changed metric (metrics first defined today have their own "defined" lines).
    assert [line for line in section.splitlines() if line.startswith("- **") and "defined" not in line] == [entry]
    assert "| version | v2 since 2026-12-03" in (root / "docs" / "metrics.md").read_text()
    assert run_catalog(check=True, project_dir=root) == 0


@pytest.mark.slow
def test_a_new_mart_version_is_a_yaml_edit_and_a_mart_change_asks_its_metric_owner(tmp_path: Path) -> None:
    """v2 of a mart, added as dbt documents it (a SQL file, `- v: 2`, latest_version, v1's deprecation date):
    the catalog derives its suite and audience, and keeps them; a mart's SQL requests its metric owners."""
    root = project_copy(tmp_path)
    marts = root / "models" / "marts" / "team"
    shutil.copy(marts / "team_member_weekly_v1.sql", marts / "team_member_weekly_v2.sql")
    yml = marts / "_team__models.yml"
    text = yml.read_text()
    block = text[text.index("  - name: team_member_weekly") :]
    block = block[: block.index("\n  - name: ", 10) + 1] if "\n  - name: " in block[10:] else block
    edited = block.replace("    latest_version: 1\n", "    latest_version: 2\n").replace(
        "    versions:\n      - v: 1\n",
        "    versions:\n      - v: 1\n        deprecation_date: 2027-03-01\n      - v: 2\n",
    )
    assert edited != block
    yml.write_text(text.replace(block, edited))
    assert run_catalog(check=True, project_dir=root) == 1  # the suite and the audience file are now stale
    assert run_catalog(check=False, project_dir=root) == 0
    assert run_catalog(check=True, project_dir=root) == 0  # and a second catalog keeps the edit
    assert "v: 2" in yml.read_text()
    audiences = json.loads((root / "orchestration" / "audiences.json").read_text())
    assert {"team_member_weekly_v1", "team_member_weekly_v2"} <= set(audiences["team"])
    suite = json.loads((root / "expectations" / "team_member_weekly_v2.json").read_text())
    assert suite == json.loads((root / "expectations" / "team_member_weekly_v1.json").read_text()) | {
        "name": "team_member_weekly_v2"
    }
    owners = {
        line.split()[0]: line.split()[1:]
        for line in (root / ".github" / "CODEOWNERS").read_text().splitlines()
        if line and not line.startswith("#")
    }
    # v2's SQL asks the owners v1's asks: those of the metrics its columns define.
    v1, v2 = (owners[f"/models/marts/team/team_member_weekly_v{v}.sql"] for v in (1, 2))
    assert v2 == v1 and "@ai-telemetry/developer-experience" in v1
    for path in ("/models/marts/team/team_weekly_v2.sql", "/macros/cross_db.sql", "/seeds/model_prices.csv"):
        assert path in owners, path


def test_generated_files_are_stable_for_an_unchanged_project(parsed: tuple[dict, dict]) -> None:
    catalog = build_catalog(*parsed)
    files, problems = generate_files(catalog, Outputs(PROJECT_DIR), date(2030, 1, 1))  # any later day
    assert problems == []
    assert {path: path.read_text() for path in files} == files


def mf_query(home: Path, metrics: list[str], group_by: list[str], out: Path) -> list[dict[str, str]]:
    env = {**os.environ, HOME_ENV_VAR: str(home), "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles")}
    command = [str(BIN / "mf"), "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by)]
    result = subprocess.run([*command, "--csv", str(out)], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with out.open() as handle:
        return list(csv.DictReader(handle))


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def number(text: str) -> float | None:
    return None if text in ("", "None") else float(text)


@pytest.mark.slow
def test_metricflow_answers_match_the_marts(validated: Paths, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(validated.warehouse, home / "warehouse.duckdb")
    # Weekly by team, against the team mart (which leaves out teams under three members).
    weekly = mf_query(
        home,
        ["sessions", "sessions_succeeded", "cost_usd", "tool_error_rate", "session_success_rate"],
        ["metric_time__week", "developer__team"],
        tmp_path / "weekly.csv",
    )
    answers = {(r["metric_time__week"][:10], r["developer__team"]): r for r in weekly}
    mart = query(
        home / "warehouse.duckdb",
        "select cast(week_start as varchar), team, sessions, sessions_succeeded, cost_usd, tool_error_rate, "
        "session_success_rate from marts.team_weekly_v2",
    )
    assert len(mart) >= 6
    for week, team, *values in mart:
        row = answers[(week, team)]
        names = ["sessions", "sessions_succeeded", "cost_usd", "tool_error_rate", "session_success_rate"]
        for name, value in zip(names, values, strict=True):
            assert close(number(row[name]), value), (week, team, name, row[name], value)
    # Daily by tool, against the org mart.
    daily = mf_query(
        home, ["active_developers", "total_tokens", "cost_usd"], ["metric_time__day", "tool"], tmp_path / "daily.csv"
    )
    answers = {(r["metric_time__day"][:10], r["tool"]): r for r in daily}
    mart = query(
        home / "warehouse.duckdb",
        "select cast(activity_date as varchar), tool, active_developers, total_tokens, cost_usd "
        "from marts.org_daily_v1",
    )
    assert len(mart) >= 15  # days and tools with fewer than 3 developers are not shown
    for day, tool, *values in mart:
        row = answers[(day, tool)]
        for name, value in zip(["active_developers", "total_tokens", "cost_usd"], values, strict=True):
            assert close(number(row[name]), value), (day, tool, name, row[name], value)


@pytest.mark.slow
def test_review_report_names_the_changed_metric_and_nothing_else(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_DIR), str(repo)], check=True)
    change_cost_per_session(repo)
    git = ["git", "-c", "user.name=reviewer", "-c", "user.email=reviewer@example.com"]
    subprocess.run([*git, "commit", "--quiet", "-am", "cost per session: per succeeded session"], cwd=repo, check=True)
    out = tmp_path / "review.md"
    config = ReviewConfig(
        base="HEAD~1", head="HEAD", out=out, work=tmp_path / "work", developers=6, days=5, seed=3, repo=repo
    )
    assert run_review(config) == 0
    report = out.read_text()
    print(report)
    metrics_section = report.split("## Metrics changed", 1)[1]
    assert [line for line in metrics_section.splitlines() if line.startswith("### ")] == [
        "### `cost_per_session_usd` (input, owner @ai-telemetry/finops)"
    ]
    assert "- models, seeds and macros: 0 modified, 0 added, 0 removed" in report
    assert "- metrics: 1 redefined, 0 added, 0 removed, 0 with values moved by a model change" in report
    assert "## Schema differences\n\nNone." in report
    assert "## Row-count differences\n\nNone" in report
    table = [line for line in metrics_section.splitlines() if line.startswith("| 20")]
    assert table, "the changed metric's values by day and team"
    changes = [abs(float(line.split("|")[5].replace(",", ""))) for line in table if "no value" not in line]
    assert changes == sorted(changes, reverse=True) and changes[0] > 0


def test_review_counts_a_macro_change_against_the_models_that_call_it(parsed: tuple[dict, dict]) -> None:
    manifest, semantic = parsed
    changed = touched(manifest, {"added": [], "modified": ["macro money"], "removed": []})
    callers = {"int_api_usage_costed", "int_claude_code__events", "int_otel__events", "int_cursor__events"}
    assert callers <= changed and "fct_sessions" not in changed
    # Metrics built on fct_events are compared (and listed only if their values moved); load metrics are not.
    metrics = build_catalog(manifest, semantic).metrics
    assert metrics["cost_usd"].models & changed and metrics["sessions"].models & changed
    assert not metrics["load_runs"].models & changed

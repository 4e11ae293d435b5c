"""The developer's front door: `stats` and `tools` give the marts' numbers, read from the developer's own file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import query

from orchestration.cli import main
from orchestration.paths import Paths
from orchestration.stats import COUNTS, RATES, period_of

pytestmark = pytest.mark.slow


def ask(paths: Paths, monkeypatch: pytest.MonkeyPatch, capsys, *argv: str) -> dict:
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def mart_sums(paths: Paths, developer: str, start: date, end: date) -> dict:
    """The same period summed straight from the warehouse's mart, independently of the published file."""
    selected = ", ".join(f"coalesce(sum({c}), 0)" for c in COUNTS)
    row = query(
        paths.warehouse,
        f"select {selected} from marts.developer_daily_v1 where developer_id = ? and activity_date between ? and ?",
        [developer, start, end],
    )[0]
    sums = dict(zip(COUNTS, row, strict=True))
    for rate, (numerator, denominator) in RATES.items():
        sums[rate] = sums[numerator] / sums[denominator] if sums[denominator] else None
    return sums


def same(a: float | None, b: float | None) -> bool:
    return a == b if a is None or b is None else abs(a - b) <= 1e-6 * max(1.0, abs(b))


@pytest.mark.parametrize("period", ["today", "week", "month"])
def test_stats_equal_the_marts_for_the_period_the_one_before_and_the_trailing_ones(
    validated: Paths, monkeypatch: pytest.MonkeyPatch, capsys, period: str
) -> None:
    developer, newest = query(
        validated.warehouse,
        "select developer_id, max(activity_date) from marts.developer_daily_v1 group by 1 order by 2 desc, 1 limit 1",
    )[0]
    answer = ask(validated, monkeypatch, capsys, "stats", period, "--date", str(newest), "--developer", developer)
    current = period_of(period, newest)
    assert (answer["start"], answer["end"]) == (str(current.start), str(current.end))
    expected = mart_sums(validated, developer, current.start, current.end)
    assert expected["sessions"] > 0, "the asked period has activity: the comparison is not vacuous"
    before = current.before(period)
    previous = mart_sums(validated, developer, before.start, before.end)
    for name in expected:
        assert same(answer["current"][name], expected[name]), (name, answer["current"][name], expected[name])
        assert same(answer["previous"][name], previous[name]), name
        if expected[name] is not None and previous[name] is not None:
            assert same(answer["change"][name], expected[name] - previous[name]), name
    earlier, cursor = [], current
    for _ in range(answer["trailing_periods"]):
        cursor = cursor.before(period)
        earlier.append(mart_sums(validated, developer, cursor.start, cursor.end)["total_tokens"])
    assert same(answer["trailing_average"]["total_tokens"], sum(earlier) / len(earlier))


def test_who_i_am_comes_from_git_and_the_directory(
    validated: Paths, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    developer, email = query(
        validated.warehouse, "select developer_id, email from staging.stg_org__developer_emails order by 1 limit 1"
    )[0]
    config = tmp_path / "gitconfig"
    config.write_text(f"[user]\n\temail = {email.upper()}\n")
    monkeypatch.chdir(tmp_path)  # no repository here: only the global config speaks
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    day = date.today() - timedelta(days=1)
    assert ask(validated, monkeypatch, capsys, "stats", "week", "--date", str(day))["developer_id"] == developer
    config.write_text("[user]\n\temail = nobody@nowhere.invalid\n")
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(validated.home))
    assert main(["stats", "today"]) == 2
    assert "pass --developer" in capsys.readouterr().err


def test_tools_equal_the_marts_rows(validated: Paths, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    developer, week = query(
        validated.warehouse,
        "select developer_id, week_start from marts.developer_tool_usage_v1 "
        "group by 1, 2 order by count(*) desc, 1, 2 limit 1",
    )[0]
    answer = ask(validated, monkeypatch, capsys, "tools", "--date", str(week), "--developer", developer)
    rows = query(
        validated.warehouse,
        "select tool, feature, uses, failures from marts.developer_tool_usage_v1 "
        "where developer_id = ? and week_start = ? order by uses desc, tool, feature",
        [developer, week],
    )
    assert [(t["tool"], t["feature"], t["uses"], t["failures"]) for t in answer["tools"]] == rows and rows


def test_sessions_are_the_developers_sessions_of_the_day(
    validated: Paths, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    developer, day, count = query(
        validated.warehouse,
        "select developer_id, session_date, count(*) from sessions.fct_sessions "
        "group by 1, 2 order by 3 desc, 1, 2 limit 1",
    )[0]
    answer = ask(validated, monkeypatch, capsys, "sessions", "--date", str(day), "--developer", developer)
    assert len(answer["sessions"]) == count > 1
    tokens = query(
        validated.warehouse,
        "select sum(total_tokens), sum(prompts) from sessions.fct_sessions where developer_id = ? and session_date = ?",
        [developer, day],
    )[0]
    assert (sum(s["total_tokens"] for s in answer["sessions"]), sum(s["prompts"] for s in answer["sessions"])) == tokens
    assert [s["started_at"] for s in answer["sessions"]] == sorted(s["started_at"] for s in answer["sessions"])

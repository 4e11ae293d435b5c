"""Cursor and OpenTelemetry fully used: every figure here is recounted from the raw files, independently of dbt."""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import query

from orchestration.loader import load
from orchestration.paths import Paths
from orchestration.pipeline import dbt_build
from orchestration.quality import fetch_frames

pytestmark = pytest.mark.slow

INACTIVITY = timedelta(minutes=30)  # dbt_project.yml: session_inactivity_minutes
EDIT_TOOLS = {"Edit", "MultiEdit", "Write", "NotebookEdit"}


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """`total` shared by `weights` in whole numbers that add up; ties go to the earlier share."""
    exact = [Fraction(total * w, sum(weights)) for w in weights]
    shares = [int(e) for e in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def raw_cursor_sessions(landing: Path) -> list[dict]:
    """Cursor sessions as the brief defines them, from the usage-events CSV and the daily-usage JSON."""
    requests: dict[str, list[datetime]] = defaultdict(list)
    for path in sorted((landing / "cursor" / "usage_events").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                requests[row["User"].lower()].append(datetime.fromisoformat(row["Date"].replace("Z", "+00:00")))
    daily: dict[tuple[str, date], dict] = {}
    for path in sorted((landing / "cursor" / "daily_usage").glob("*.json")):
        for row in json.loads(path.read_bytes())["data"]:
            day = datetime.fromtimestamp(row["date"] / 1000, tz=UTC).date()
            daily[(row["email"].lower(), day)] = row
    sessions = []
    for email, times in requests.items():
        starts: list[list] = []
        for at in sorted(times):
            if starts and at - starts[-1][1] <= INACTIVITY:
                starts[-1][1] = at
                starts[-1][2] += 1
            else:
                starts.append([at, at, 1])
        by_day: dict[date, list[list]] = defaultdict(list)
        for session in starts:
            by_day[session[0].date()].append(session)
        for day, day_sessions in by_day.items():
            row = daily.get((email, day), {})
            weights = [s[2] for s in day_sessions]
            accepts = largest_remainder(row.get("totalAccepts", 0), weights)
            tabs = largest_remainder(row.get("totalTabsAccepted", 0), weights)
            for session, accepted, tabbed in zip(day_sessions, accepts, tabs, strict=True):
                sessions.append({"email": email, "requests": session[2], "edits": accepted, "tabs": tabbed})
    return sessions


def test_cursor_success_rate_and_tab_acceptance_equal_a_count_from_the_raw_files(validated: Paths) -> None:
    raw = raw_cursor_sessions(validated.landing)
    raw_succeeded = sum(1 for s in raw if s["edits"] + s["tabs"] > 0)
    assert len(raw) > 50 and 0 < raw_succeeded < len(raw) + 1

    built = query(
        validated.warehouse,
        """select count(*), count(*) filter (where outcome = 'succeeded'), sum(edits_accepted), sum(tabs_accepted)
        from sessions.fct_sessions where tool = 'cursor'""",
    )[0]
    assert built == (
        len(raw),
        raw_succeeded,
        sum(s["edits"] for s in raw),
        sum(s["tabs"] for s in raw),
    )
    # Each developer's own file holds their Cursor sessions with these outcomes.
    published = [0, 0]
    for file in sorted((validated.published / "developers").glob("*.duckdb")):
        sessions, succeeded = query(
            file,
            """select count(*), count(*) filter (where outcome = 'succeeded')
            from developer_sessions_v1 where tool = 'cursor'""",
        )[0]
        published[0] += sessions
        published[1] += succeeded
    assert published == [len(raw), raw_succeeded]

    # Tab acceptance per week in the product file: accepted / shown from the daily export.
    weekly: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for path in sorted((validated.landing / "cursor" / "daily_usage").glob("*.json")):
        for row in json.loads(path.read_bytes())["data"]:
            day = datetime.fromtimestamp(row["date"] / 1000, tz=UTC).date()
            week = day - timedelta(days=day.weekday())
            weekly[week][0] += row["totalTabsAccepted"]
            weekly[week][1] += row["totalTabsShown"]
    rows = query(
        validated.published / "product.duckdb",
        "select week_start, accepted, offered, acceptance_rate from cursor_features_weekly_v1 where feature = 'tab'",
    )
    assert len(rows) >= 2
    for week, accepted, shown, rate in rows:
        assert [accepted, shown] == weekly[week]
        assert rate == pytest.approx(accepted / shown)
    features = {
        f for (f,) in query(validated.published / "product.duckdb", "select feature from cursor_features_weekly_v1")
    }
    assert features == {"apply", "tab", "composer", "chat", "agent", "cmd_k"}


def raw_otel_session_counts(otel_dir: Path) -> dict[str, dict[str, float]]:
    """Per session: edits accepted (edit tools' tool results), commits, PRs, lines and active time."""
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def attributes(items: list[dict]) -> dict:
        return {a["key"]: next(iter(a["value"].values())) for a in items}

    for line in (otel_dir / "logs.jsonl").read_text().splitlines():
        for resource in json.loads(line)["resourceLogs"]:
            for scope in resource["scopeLogs"]:
                for record in scope["logRecords"]:
                    attrs = attributes(record["attributes"])
                    if attrs["event.name"] == "tool_result" and attrs["tool_name"] in EDIT_TOOLS:
                        key = "edits" if attrs["success"] == "true" else "edit_failures"
                        counts[attrs["session.id"]][key] += 1
    names = {
        "claude_code.commit.count": "commits",
        "claude_code.pull_request.count": "prs",
        "claude_code.active_time.total": "active_seconds",
    }
    for line in (otel_dir / "metrics.jsonl").read_text().splitlines():
        for resource in json.loads(line)["resourceMetrics"]:
            for scope in resource["scopeMetrics"]:
                for metric in scope["metrics"]:
                    for point in metric["sum"]["dataPoints"]:
                        attrs = attributes(point["attributes"])
                        value = float(point.get("asDouble", point.get("asInt", 0)))
                        if metric["name"] in names:
                            counts[attrs["session.id"]][names[metric["name"]]] += value
                        elif metric["name"] == "claude_code.lines_of_code.count":
                            counts[attrs["session.id"]][f"lines_{attrs['type']}"] += value
    return counts


def test_otel_alone_gives_a_session_its_edits_commits_lines_and_active_time(landing_copy: Path, tmp_path: Path) -> None:
    """A developer who exports OpenTelemetry but whose transcripts never reach the warehouse."""
    exporters = sorted(p.name for p in (landing_copy / "otel").iterdir() if (p / "metrics.jsonl").exists())
    assert exporters
    handle = exporters[0]
    shutil.rmtree(landing_copy / "claude_code" / handle)
    raw = raw_otel_session_counts(landing_copy / "otel" / handle)
    assert sum(c["commits"] for c in raw.values()) > 0 and sum(c["edits"] for c in raw.values()) > 0

    paths = Paths(tmp_path / "home")
    shutil.copytree(landing_copy, paths.landing)
    load(paths.landing, paths.warehouse)
    assert dbt_build(paths, "--select", "+fct_sessions +developer_daily_v1")
    built = {
        session_id: row
        for session_id, *row in query(
            paths.warehouse,
            """select session_id, edits_accepted, commits, pull_requests, lines_added, lines_removed, active_seconds,
                outcome
            from sessions.fct_sessions where session_id = any(?)""",
            [list(raw)],
        )
    }
    assert set(built) == set(raw)
    for session_id, counts in raw.items():
        edits, commits, prs, added, removed, active, outcome = built[session_id]
        assert (edits, commits, prs, added, removed) == (
            counts["edits"],
            counts["commits"],
            counts["prs"],
            counts["lines_added"],
            counts["lines_removed"],
        ), session_id
        assert float(active) == pytest.approx(counts["active_seconds"], abs=0.001)
        assert (outcome == "succeeded") == (edits + commits + prs > 0)
    # The daily mart counts them too: no transcript, yet the developer's commits and PRs are there.
    daily = query(
        paths.warehouse,
        """select sum(commits), sum(pull_requests) from marts.developer_daily_v1
        where developer_id in (select developer_id from sessions.fct_sessions where session_id = any(?))""",
        [list(raw)],
    )[0]
    assert daily == (sum(c["commits"] for c in raw.values()), sum(c["prs"] for c in raw.values()))
    # The gate's token reconciliation counts the OpenTelemetry-only sessions' tokens on both sides (it once
    # left them out of the staged side, so such a developer held back every publish).
    reconciliation = fetch_frames(paths.warehouse, {"reconciliation_tokens": {}})["reconciliation_tokens"]
    otel_only_tokens = query(
        paths.warehouse,
        "select sum(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) from events.fct_events "
        "where session_id = any(?)",
        [list(raw)],
    )[0][0]
    assert otel_only_tokens > 0
    assert reconciliation["mart_tokens"].sum() > otel_only_tokens
    assert (reconciliation["difference"] == 0).all(), reconciliation[reconciliation["difference"] != 0]


def test_otel_events_of_no_known_developer_are_credited_to_an_unresolved_one(tmp_path: Path) -> None:
    """An exporter may write no email (an API-key user), only an account, or no identity at all. Each such
    event is credited to an unresolved developer (its anonymous id, else its account, else unknown) whom
    int_developers_enriched lists in the team 'unassigned': an event with no developer, or one the developers
    did not list, failed fct_events' tests, and so every build after it. A developer whose events have no
    session still starts the value stream (their first prompt once gave a conversion above 1, and the gate
    held back every publish)."""
    nanos = str(int(datetime(2026, 11, 2, 9, tzinfo=UTC).timestamp()) * 10**9)
    account = "0f8fad5b-d9cb-469f-a165-70867728950e"

    def request(session: str, *identity: tuple[str, str]) -> dict:
        attributes = [("event.name", "api_request"), ("session.id", session), ("input_tokens", "40"), *identity]
        return {
            "timeUnixNano": nanos,
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attributes],
        }

    anonymous, by_account, nobody = (f"{n}1111111-2222-4333-8444-555555555555" for n in "abc")
    records = [
        request(anonymous, ("user.id", "abc123def456")),
        request(by_account, ("user.account_uuid", account)),
        request(nobody),
        # A prompt outside any session: its developer has no session, yet has reached the stream's first step.
        {
            "timeUnixNano": nanos,
            "attributes": [
                {"key": k, "value": {"stringValue": v}}
                for k, v in (("event.name", "user_prompt"), ("user.email", "no.session@example.com"))
            ],
        },
    ]
    paths = Paths(tmp_path / "home")
    export = paths.landing / "otel" / "api-key-user" / "logs.jsonl"
    export.parent.mkdir(parents=True)
    export.write_text(json.dumps({"resourceLogs": [{"scopeLogs": [{"logRecords": records}]}]}) + "\n")
    load(paths.landing, paths.warehouse)
    assert dbt_build(paths, "--select", "+fct_events +int_developers_enriched +milestone_funnel")
    credited = dict(
        query(paths.warehouse, "select session_id, developer_id from events.fct_events where session_id is not null")
    )
    assert credited == {
        anonymous: "unresolved:anonymous_id:abc123def456",
        by_account: f"unresolved:account_uuid:{account}",
        nobody: "unresolved:unknown",
    }
    teams = dict(query(paths.warehouse, "select developer_id, team from intermediate.int_developers_enriched"))
    assert {teams[developer] for developer in credited.values()} == {"unassigned"}
    milestones = query(
        paths.warehouse,
        "select milestone from value_streams.developer_milestones where developer_id = ? order by milestone_order",
        ["unresolved:email:no.session@example.com"],
    )
    assert milestones == [("first_session",), ("first_prompt",)]
    funnel = query(paths.warehouse, "select max(overall_conversion) from value_streams.milestone_funnel")
    assert funnel == [(1.0,)]

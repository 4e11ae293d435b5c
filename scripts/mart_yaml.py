"""Writes the YAML (docs, contract, version, tests) for a persona mart from its column list.

    python scripts/mart_yaml.py   # regenerates models/marts/**/_*.yml from MARTS below

Column descriptions live once, in DESCRIPTIONS, so every mart documents a column the same way.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1] / "models" / "marts"

DESCRIPTIONS = {
    "developer_id": "Canonical developer id (directory id, or 'unresolved:<kind>:<value>' for unknown identities).",
    "activity_date": "UTC day.",
    "week_start": "Monday of the UTC week.",
    "month_start": "First day of the UTC month.",
    "team": "Team from the org directory ('unassigned' for unknown identities).",
    "sessions": "Sessions started (Claude Code session ids; Cursor requests split by the inactivity cut-off).",
    "sessions_succeeded": "Sessions whose outcome is succeeded (an accepted edit, a commit or a PR).",
    "prompts": "Prompts the developer typed.",
    "ai_requests": "Cursor requests.",
    "input_tokens": "Uncached input tokens.",
    "output_tokens": "Output tokens (Claude Code: largest value across a response's repeated lines).",
    "cache_creation_tokens": "Tokens written to the prompt cache.",
    "cache_read_tokens": "Tokens read from the prompt cache.",
    "total_tokens": "Input + output + cache creation + cache read tokens.",
    "cost_usd": "Cost in USD: Claude Code from the effective-dated price seed, Cursor as billed.",
    "lines_added": "Lines added by accepted AI edits.",
    "lines_removed": "Lines removed by accepted AI edits.",
    "tool_calls": "Tool calls (including edits, commits, PRs and test runs made through the assistant).",
    "tool_failures": "Tool calls that returned an error.",
    "retries": "Failed tool calls followed by another call of the same tool in the session.",
    "tool_error_rate": "tool_failures / tool_calls; null without tool calls.",
    "edits_accepted": "AI edits applied.",
    "edits_rejected": "AI edits the developer declined.",
    "commits": "Commits made through the assistant.",
    "pull_requests": "Pull requests opened through the assistant.",
    "active_minutes": "Minutes of activity: gaps between consecutive events, each capped at the inactivity cut-off.",
    "median_minutes_to_resolution": "Median duration of the day's succeeded sessions, in minutes.",
    "tools_used": "How many AI tools were used.",
    "active_days": "Days with any activity.",
    "hour_of_day_utc": "Hour of the day, UTC.",
    "interactions": "Prompts and AI requests in that hour.",
    "outputs": "Accepted edits and commits in that hour.",
}

MARTS = {
    "developer": {
        "developer_daily": {
            "description": "One row per developer per UTC day: sessions, tokens by kind, cost, code output, "
            "tool usage and errors. Read by the individual developer's CLI from developer.duckdb, which holds "
            "only that developer's rows once published.",
            "grain": ["developer_id", "activity_date"],
            "columns": {
                "developer_id": "varchar",
                "activity_date": "date",
                "team": "varchar",
                "sessions": "bigint",
                "sessions_succeeded": "bigint",
                "prompts": "bigint",
                "ai_requests": "bigint",
                "input_tokens": "bigint",
                "output_tokens": "bigint",
                "cache_creation_tokens": "bigint",
                "cache_read_tokens": "bigint",
                "total_tokens": "bigint",
                "cost_usd": "double",
                "lines_added": "bigint",
                "lines_removed": "bigint",
                "tool_calls": "bigint",
                "tool_failures": "bigint",
                "retries": "bigint",
                "tool_error_rate": "double",
                "edits_accepted": "bigint",
                "edits_rejected": "bigint",
                "commits": "bigint",
                "pull_requests": "bigint",
                "active_minutes": "double",
                "median_minutes_to_resolution": "double",
                "tools_used": "bigint",
            },
        },
        "developer_weekly": {
            "description": "One row per developer per UTC week, rolled up from developer_daily.",
            "grain": ["developer_id", "week_start"],
            "columns": {
                "developer_id": "varchar",
                "week_start": "date",
                "team": "varchar",
                "active_days": "bigint",
                "sessions": "bigint",
                "sessions_succeeded": "bigint",
                "prompts": "bigint",
                "input_tokens": "bigint",
                "output_tokens": "bigint",
                "cache_creation_tokens": "bigint",
                "cache_read_tokens": "bigint",
                "total_tokens": "bigint",
                "cost_usd": "double",
                "lines_added": "bigint",
                "lines_removed": "bigint",
                "tool_calls": "bigint",
                "tool_failures": "bigint",
                "tool_error_rate": "double",
                "edits_accepted": "bigint",
                "commits": "bigint",
                "pull_requests": "bigint",
                "active_minutes": "double",
            },
        },
        "developer_peak_hours": {
            "description": "When a developer works with AI: interactions and outputs per UTC hour of the day.",
            "grain": ["developer_id", "hour_of_day_utc"],
            "columns": {
                "developer_id": "varchar",
                "hour_of_day_utc": "integer",
                "active_days": "bigint",
                "interactions": "bigint",
                "outputs": "bigint",
            },
        },
    },
}

NON_NEGATIVE_TYPES = {"bigint", "double", "integer"}
RATES = {"tool_error_rate"}


def column_yaml(name: str, data_type: str, grain: list[str]) -> dict:
    column: dict = {"name": name, "data_type": data_type, "description": DESCRIPTIONS[name]}
    tests: list = []
    if name in grain:
        tests.append("not_null")
    if data_type in NON_NEGATIVE_TYPES and name not in RATES:
        tests.append("non_negative")
    if name in RATES:
        tests.append({"between": {"arguments": {"min_value": 0, "max_value": 1}}})
    if tests:
        column["data_tests"] = tests
    return column


def main() -> None:
    for persona, marts in MARTS.items():
        models = []
        for name, spec in marts.items():
            models.append(
                {
                    "name": name,
                    "description": spec["description"],
                    "latest_version": 1,
                    "config": {"contract": {"enforced": True}, "access": "public"},
                    "data_tests": [{"unique_key": {"arguments": {"columns": spec["grain"]}}}],
                    "columns": [column_yaml(c, t, spec["grain"]) for c, t in spec["columns"].items()],
                    "versions": [{"v": 1}],
                }
            )
        path = ROOT / persona / f"_{persona}__models.yml"
        header = "# Generated by scripts/mart_yaml.py: edit the script, not this file.\n"
        path.write_text(header + yaml.safe_dump({"version": 2, "models": models}, sort_keys=False, width=110))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

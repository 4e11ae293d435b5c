"""Writes the YAML (docs, contract, version, tests) for a persona mart from its column list.

    python scripts/mart_yaml.py   # regenerates models/marts/**/_*.yml from MARTS below

Column descriptions live once, in DESCRIPTIONS, so every mart documents a column the same way.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1] / "models" / "marts"

DESCRIPTIONS = {
    "developer_id": "Canonical developer id: the directory's id; for a ~/.claude folder the directory does not know, "
    "the folder's name; for an unknown email, 'unresolved:email:<email>'.",
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
    "cost_usd": "Cost in USD: Claude Code tokens at the model's price that day (hand-kept overrides, then "
    "genai-prices, then the newest model of its family as an estimate), Cursor as billed.",
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
    "active_minutes": "Minutes of activity: gaps between consecutive events, each capped at the inactivity cut-off, "
    "plus one minute for each session's last event; every session counts at least a minute.",
    "median_minutes_to_resolution": "Median duration of the day's succeeded sessions, in minutes.",
    "tools_used": "How many AI tools were used.",
    "active_days": "Days with any activity.",
    "hour_of_day_utc": "Hour of the day, UTC.",
    "interactions": "Prompts and AI requests in that hour.",
    "outputs": "Accepted edits and commits in that hour.",
    "members": "Developers in the team per the directory.",
    "active_members": "Members with any activity in the week.",
    "adoption_rate": "active_members / members.",
    "session_success_rate": "sessions_succeeded / sessions.",
    "member_sessions_median": "Median sessions per active member (over at least min_group_size members).",
    "member_cost_usd_median": "Median cost per active member (over at least min_group_size members).",
    "tool": "claude_code or cursor.",
    "model_name": "Model as the transcripts name it.",
    "price_source": "price_table, genai_prices, family_estimate (estimated from the model's family) or unpriced.",
    "price_model_id": "The priced model whose prices apply (for a family estimate, the model it is estimated from).",
    "api_responses": "Claude Code API responses (deduplicated per message and request).",
    "first_used_date": "First UTC day the model was used.",
    "last_used_date": "Last UTC day the model was used.",
    "active_developers": "Distinct developers with activity (a count; no identifiers).",
    "reference_model_cost_usd": "What the same tokens would have cost on the reference (cheapest) model.",
    "cost_above_reference_usd": "cost_usd minus reference_model_cost_usd: the cost-optimisation headroom.",
    "sessions_all_tools": "Sessions of every tool that day.",
    "cost_per_output_usd": "cost_usd / (edits_accepted + commits + pull_requests): USD per shipped output of "
    "any tool (Cursor's are accepted edits); null without outputs.",
    "cost_per_session_usd": "cost_usd / sessions.",
    "licence_seat": "Which tools the seat covers (claude_code, cursor, both).",
    "seats": "Paid seats.",
    "seats_used": "Seats whose holder used a covered tool in the month.",
    "seats_unused": "Paid seats not used in the month.",
    "paid_usd": "Monthly cost of the seats.",
    "unused_paid_usd": "Monthly cost of the unused seats.",
    "utilisation_rate": "seats_used / seats.",
    "batch_id": "Load run id.",
    "started_at": "When the run started (UTC).",
    "status": "complete, failed, interrupted or running.",
    "duration_seconds": "Wall time of the run.",
    "files_seen": "Files under the landing folder.",
    "files_loaded": "Files the run loaded from.",
    "rows_loaded": "Rows landed in raw tables.",
    "rows_quarantined": "Rows sent to the dead-letter table (quarantine).",
    "rows_retracted": "Rows removed because their file shrank or was rewritten.",
    "duplicate_files": "Files that were byte-identical copies of loaded ones.",
    "replaced_files": "Files reloaded because they shrank or were rewritten.",
    "quarantine_rate": "rows_quarantined / (rows_loaded + rows_quarantined).",
    "rows_per_second": "Load throughput.",
    "landing_source": "Landing source (claude_code, otel, cursor_daily_usage, cursor_usage_events, org_directory).",
    "reason_class": "Reason without its field (invalid_json, missing_field, ...).",
    "reason": "Why the rows could not be loaded.",
    "quarantined_rows": "Rows quarantined for this reason.",
    "files": "Files involved.",
    "first_seen_at": "First quarantined (UTC).",
    "last_seen_at": "Last quarantined (UTC).",
    "last_loaded_at": "Last time the source loaded (UTC).",
    "newest_event_at": "Newest record of the source (UTC).",
    "hours_behind_at_load": "Hours between the newest record and its load: processing latency.",
    "event_name": "Canonical object_action event name.",
    "feature": "Tool, slash command or model the event used.",
    "uses": "Occurrences (quantity-weighted).",
    "developers": "Distinct developers (never fewer than the minimum group size).",
    "failure_rate": "Share of uses that failed.",
    "client_version": "Client version.",
    "attempts": "Tool calls or requests.",
    "failures": "Attempts that failed.",
    "rejections": "Attempts the developer rejected.",
    "errored_sessions": "Sessions that ended errored and include this feature.",
    "persona": "Persona of seed 004.",
    "outcome": "Session outcome: succeeded, errored, abandoned or completed.",
    "median_duration_minutes": "Median session duration.",
    "median_prompts": "Median prompts per session.",
    "median_tool_calls": "Median tool calls per session.",
    "mean_retries": "Mean retries per session.",
    "median_tokens": "Median tokens per session.",
    "task_type": "Session task type: shipping, code_change, testing, investigation, assisted_coding, conversation.",
    "median_session_minutes": "Median session duration in minutes.",
    "median_duration_seconds": "Median duration of a call or request.",
    "retries_per_session": "Retries per session.",
    "row_kind": "path (a whole milestone sequence) or edge (one step, Sankey-ready).",
    "journey": "The milestones in the order reached, or the step.",
    "source_milestone": "Step from (edges).",
    "target_milestone": "Step to (edges).",
    "table_schema": "Schema.",
    "table_name": "Table.",
    "estimated_rows": "Rows, as the engine's catalog estimates them.",
    "column_count": "Columns.",
    "publish_version": "Version id of the publish attempt.",
    "audience": "developer, team, org, platform or product.",
    "published_at": "When it was attempted (UTC).",
    "git_commit": "Commit of the models.",
    "validation_outcome": "passed or failed.",
    "failed_checks": "The failing expectations, when it failed.",
    "is_published": "True when the audience file was replaced.",
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

TEAM_WEEKLY = {
    "team": "varchar",
    "week_start": "date",
    "members": "bigint",
    "active_members": "bigint",
    "adoption_rate": "double",
    "sessions": "bigint",
    "sessions_succeeded": "bigint",
    "prompts": "bigint",
    "total_tokens": "bigint",
    "cost_usd": "double",
    "lines_added": "bigint",
    "lines_removed": "bigint",
    "tool_calls": "bigint",
    "tool_failures": "bigint",
    "edits_accepted": "bigint",
    "commits": "bigint",
    "pull_requests": "bigint",
    "tool_error_rate": "double",
    "session_success_rate": "double",
    "member_sessions_median": "double",
    "member_cost_usd_median": "double",
}

MARTS["developer"]["developer_task_resolution"] = {
    "description": "Time to resolution by task type, per developer and week.",
    "grain": ["developer_id", "week_start", "task_type"],
    "columns": {
        "developer_id": "varchar",
        "week_start": "date",
        "task_type": "varchar",
        "sessions": "bigint",
        "sessions_succeeded": "bigint",
        "median_session_minutes": "double",
        "median_minutes_to_resolution": "double",
        "total_tokens": "bigint",
    },
}
MARTS["developer"]["developer_tool_usage"] = {
    "description": "Tool and feature usage with error rates by interaction type, per developer and week.",
    "grain": ["developer_id", "week_start", "tool", "feature"],
    "columns": {
        "developer_id": "varchar",
        "week_start": "date",
        "tool": "varchar",
        "feature": "varchar",
        "uses": "bigint",
        "failures": "bigint",
        "failure_rate": "double",
        "median_duration_seconds": "double",
    },
}

MARTS["team"] = {
    "team_weekly": {
        "description": "Team aggregates per week for team leads: usage trend, adoption, distribution across "
        "members (medians), error and success rates. Every row describes at least var min_group_size active "
        "members; v2 dropped v1's per-member minimum and maximum, which were one person's own values.",
        "grain": ["team", "week_start"],
        "version": 2,
        "columns": TEAM_WEEKLY,
    },
    "team_member_weekly": {
        "description": "Individual weekly numbers for team leads, only for developers who opted in to "
        "individual sharing and only in teams of at least min_group_size members.",
        "grain": ["developer_id", "week_start"],
        "columns": {
            "developer_id": "varchar",
            "team": "varchar",
            "week_start": "date",
            "sessions": "bigint",
            "sessions_succeeded": "bigint",
            "prompts": "bigint",
            "total_tokens": "bigint",
            "cost_usd": "double",
            "lines_added": "bigint",
            "tool_calls": "bigint",
            "tool_failures": "bigint",
            "tool_error_rate": "double",
            "edits_accepted": "bigint",
            "commits": "bigint",
            "active_minutes": "double",
        },
    },
}
MARTS["team"]["team_interaction_patterns"] = {
    "description": "Successful interaction patterns per team and month: success rate, duration, prompts, "
    "tool calls and retries by task type. Teams under min_group_size never appear.",
    "grain": ["team", "month_start", "task_type"],
    "columns": {
        "team": "varchar",
        "month_start": "date",
        "task_type": "varchar",
        "sessions": "bigint",
        "sessions_succeeded": "bigint",
        "session_success_rate": "double",
        "median_session_minutes": "double",
        "median_prompts": "double",
        "median_tool_calls": "double",
        "retries_per_session": "double",
        "tool_error_rate": "double",
    },
}

MARTS["org"] = {
    "org_daily": {
        "description": "Organisation roll-up per day and tool for engineering managers: adoption, cost, "
        "cost per output, outputs, and the cost-optimisation headroom against the reference model. "
        "No developer-level row or identifier.",
        "grain": ["activity_date", "tool"],
        "columns": {
            "activity_date": "date",
            "tool": "varchar",
            "active_developers": "bigint",
            "total_tokens": "bigint",
            "cost_usd": "double",
            "reference_model_cost_usd": "double",
            "cost_above_reference_usd": "double",
            "edits_accepted": "bigint",
            "commits": "bigint",
            "pull_requests": "bigint",
            "lines_added": "bigint",
            "sessions_all_tools": "bigint",
            "cost_per_output_usd": "double",
        },
    },
    "org_team_monthly": {
        "description": "Cross-team comparison per month: cost per session and per output, adoption, quality "
        "signals. Teams under min_group_size are folded into 'other teams'.",
        "grain": ["team", "month_start"],
        "columns": {
            "team": "varchar",
            "month_start": "date",
            "active_developers": "bigint",
            "sessions": "bigint",
            "total_tokens": "bigint",
            "cost_usd": "double",
            "commits": "bigint",
            "pull_requests": "bigint",
            "lines_added": "bigint",
            "cost_per_session_usd": "double",
            "cost_per_output_usd": "double",
            "tool_error_rate": "double",
            "session_success_rate": "double",
        },
    },
    "licence_utilisation": {
        "description": "Paid seats per month and seat type, how many were used and what the unused ones cost.",
        "grain": ["month_start", "licence_seat"],
        "columns": {
            "month_start": "date",
            "licence_seat": "varchar",
            "seats": "bigint",
            "seats_used": "bigint",
            "seats_unused": "bigint",
            "paid_usd": "double",
            "unused_paid_usd": "double",
            "utilisation_rate": "double",
        },
    },
}
MARTS["platform"] = {
    "pipeline_health": {
        "description": "Pipeline health per load run: status, volume, throughput, dead-letter depth and "
        "rate, replaced and duplicate files. No user activity.",
        "grain": ["batch_id"],
        "columns": {
            "batch_id": "varchar",
            "started_at": "timestamp",
            "status": "varchar",
            "duration_seconds": "double",
            "files_seen": "bigint",
            "files_loaded": "bigint",
            "rows_loaded": "bigint",
            "rows_quarantined": "bigint",
            "rows_retracted": "bigint",
            "duplicate_files": "bigint",
            "replaced_files": "bigint",
            "quarantine_rate": "double",
            "rows_per_second": "double",
        },
    },
    "quarantine_reasons": {
        "description": "Dead-letter depth by source and reason.",
        "grain": ["landing_source", "reason"],
        "columns": {
            "landing_source": "varchar",
            "reason_class": "varchar",
            "reason": "varchar",
            "quarantined_rows": "bigint",
            "files": "bigint",
            "first_seen_at": "timestamp",
            "last_seen_at": "timestamp",
        },
    },
    "source_freshness": {
        "description": "Freshness and processing latency per source.",
        "grain": ["landing_source"],
        "columns": {
            "landing_source": "varchar",
            "last_loaded_at": "timestamp",
            "newest_event_at": "timestamp",
            "files": "bigint",
            "rows_loaded": "bigint",
            "hours_behind_at_load": "double",
        },
    },
}
MARTS["platform"]["storage_by_table"] = {
    "description": "Storage per warehouse table (row estimates from the engine catalog), for capacity planning. "
    "A live snapshot of the catalog when the mart was built.",
    "grain": ["table_schema", "table_name"],
    # Which tables exist mid-build depends on dbt's thread timing: two builds of the same data differ here.
    "meta": {"describes_the_build": True},
    "columns": {
        "table_schema": "varchar",
        "table_name": "varchar",
        "estimated_rows": "bigint",
        "column_count": "bigint",
    },
}

MARTS["platform"]["publish_history"] = {
    "description": "Every publish attempt per audience: version, time, commit, validation outcome.",
    "grain": ["publish_version", "audience"],
    "columns": {
        "publish_version": "varchar",
        "audience": "varchar",
        "published_at": "timestamp",
        "git_commit": "varchar",
        "validation_outcome": "varchar",
        "failed_checks": "varchar",
        "is_published": "boolean",
    },
}

MARTS["platform"]["model_pricing"] = {
    "description": "How each model seen in the transcripts is priced: price_table (hand-kept overrides), "
    "genai_prices (the maintained table), family_estimate (a model newer than both, priced as the newest of its "
    "family) or unpriced. Counts of API responses only, no user activity.",
    "grain": ["model_name", "price_source"],
    "columns": {
        "model_name": "varchar",
        "price_source": "varchar",
        "price_model_id": "varchar",
        "api_responses": "bigint",
        "first_used_date": "date",
        "last_used_date": "date",
    },
}

MARTS["product"] = {
    "feature_usage_weekly": {
        "description": "Feature and tool usage per week, anonymised: no identifiers, and only groups of at "
        "least min_group_size developers.",
        "grain": ["week_start", "tool", "event_name", "feature"],
        "columns": {
            "week_start": "date",
            "tool": "varchar",
            "event_name": "varchar",
            "feature": "varchar",
            "uses": "bigint",
            "developers": "bigint",
            "failure_rate": "double",
        },
    },
    "failure_modes": {
        "description": "Failure modes by tool, feature and client version, anonymised (groups of at least "
        "min_group_size developers).",
        "grain": ["tool", "feature", "client_version"],
        "columns": {
            "tool": "varchar",
            "feature": "varchar",
            "client_version": "varchar",
            "attempts": "bigint",
            "failures": "bigint",
            "rejections": "bigint",
            "failure_rate": "double",
            "developers": "bigint",
            "errored_sessions": "bigint",
        },
    },
    "session_patterns": {
        "description": "Task and interaction patterns: how sessions unfold and end per tool and persona, "
        "anonymised (groups of at least min_group_size developers).",
        "grain": ["tool", "persona", "outcome"],
        "columns": {
            "tool": "varchar",
            "persona": "varchar",
            "outcome": "varchar",
            "sessions": "bigint",
            "developers": "bigint",
            "median_duration_minutes": "double",
            "median_prompts": "double",
            "median_tool_calls": "double",
            "mean_retries": "double",
            "median_tokens": "double",
        },
    },
    "journey_paths": {
        "description": "User journeys through the milestones (paths and Sankey steps), anonymised: only those "
        "taken by at least min_group_size developers.",
        "grain": ["row_kind", "journey"],
        "columns": {
            "row_kind": "varchar",
            "journey": "varchar",
            "source_milestone": "varchar",
            "target_milestone": "varchar",
            "developers": "bigint",
        },
    },
}

NON_NEGATIVE_TYPES = {"bigint", "double", "integer"}
RATES = {
    "tool_error_rate",
    "adoption_rate",
    "session_success_rate",
    "utilisation_rate",
    "quarantine_rate",
    "failure_rate",
}
# Columns that may be negative by meaning.
SIGNED = {"cost_above_reference_usd", "hours_behind_at_load"}
K_ANONYMOUS = {"developers", "active_members", "active_developers"}


def column_yaml(name: str, data_type: str, grain: list[str]) -> dict:
    column: dict = {"name": name, "data_type": data_type, "description": DESCRIPTIONS[name]}
    tests: list = []
    if name in grain:
        tests.append("not_null")
    if data_type in NON_NEGATIVE_TYPES and name not in RATES and name not in SIGNED:
        tests.append("non_negative")
    if name in K_ANONYMOUS:
        tests.append({"at_least": {"arguments": {"value": "{{ var('min_group_size') }}"}}})
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
                    "latest_version": spec.get("version", 1),
                    "config": {
                        "contract": {"enforced": True},
                        "access": "public",
                        **({"meta": spec["meta"]} if "meta" in spec else {}),
                    },
                    "data_tests": [{"unique_key": {"arguments": {"columns": spec["grain"]}}}],
                    "columns": [column_yaml(c, t, spec["grain"]) for c, t in spec["columns"].items()],
                    "versions": [{"v": spec.get("version", 1)}],
                }
            )
        path = ROOT / persona / f"_{persona}__models.yml"
        header = "# Generated by scripts/mart_yaml.py: edit the script, not this file.\n"
        path.write_text(header + yaml.safe_dump({"version": 2, "models": models}, sort_keys=False, width=110))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""The dbt project on a generated organisation: idempotent, reproducible, and private by construction."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import CANARY, built_rows, query

from orchestration.dbt import target_path
from orchestration.loader import load
from orchestration.paths import Paths
from orchestration.pipeline import dbt_build

# Every test here reads or copies the suite's built organisation: none is in `make test-fast`.
pytestmark = pytest.mark.slow

MART_SCHEMA = "marts"


@pytest.fixture(scope="module")
def built(validated: Paths) -> Paths:
    """The suite's generated organisation (conftest), read-only here."""
    return validated


# A live snapshot of the engine's catalog: it changes whenever any table does, by design.
CATALOG_MARTS = {"storage_by_table_v1"}


def mart_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ? order by 1", [MART_SCHEMA]
            ).fetchall()
        ]
        return {
            t: sorted(con.execute(f'select * from {MART_SCHEMA}."{t}"').fetchall(), key=repr)
            for t in tables
            if t not in CATALOG_MARTS
        }
    finally:
        con.close()


def columns(warehouse: Path, table: str) -> set[str]:
    rows = query(
        warehouse,
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [MART_SCHEMA, table],
    )
    return {c for (c,) in rows}


def test_a_rerun_with_no_new_data_changes_no_mart(home_copy: Paths) -> None:
    first = mart_snapshot(home_copy.warehouse)
    empty = {table for table, rows in first.items() if not rows}
    # Nothing was quarantined in this sample; the publish log is filled by the publish after the build; its teams
    # meet their targets and two weeks hold no trend (test_alerts plants them); no client version reached a
    # wave of 3 developers with a week on each side.
    allowed = {"quarantine_reasons_v1", "publish_history_v1", "team_alerts_v1", "rollout_effects_v1"}
    assert len(first) >= 14 and empty <= allowed, f"marts without rows: {empty}"
    assert dbt_build(home_copy)
    again = mart_snapshot(home_copy.warehouse)
    # The rerun's publish history (and the publish latency of the first load) can hold the publication of the
    # first build: they describe the runs.
    runs = {"publish_history_v1", "publish_latency_v1"}
    assert {t: r for t, r in again.items() if t not in runs} == {t: r for t, r in first.items() if t not in runs}, (
        "a run with no new data changed a mart"
    )


# Platform marts describe the loads themselves (batch ids, load times): two homes differ there by design.
PLATFORM_MARTS = {
    "pipeline_health_v1",
    "source_freshness_v1",
    "publish_history_v1",
    "publish_latency_v1",
    "quarantine_reasons_v1",
    "platform_alerts_v1",
}


def test_the_same_files_elsewhere_build_the_same_keys_and_marts(built: Paths, tmp_path: Path) -> None:
    # Keys hash where a line came from; if that included the landing folder's own location, ties broken by key
    # (which of two same-second events was last) would differ between two homes holding the same files. The
    # second home is built from nothing, so this is also the full build the incremental one must equal.
    moved = Paths(tmp_path / "another" / "home")
    shutil.copytree(built.landing, moved.landing)
    load(moved.landing, moved.warehouse)
    assert dbt_build(moved)
    for relation in ("events.fct_events", "sessions.fct_sessions"):
        assert built_rows(moved.warehouse, relation) == built_rows(built.warehouse, relation), relation
    expected = {t: rows for t, rows in mart_snapshot(built.warehouse).items() if t not in PLATFORM_MARTS}
    assert {t: rows for t, rows in mart_snapshot(moved.warehouse).items() if t not in PLATFORM_MARTS} == expected


def test_storage_by_table_has_the_bytes_of_every_loaded_table(built: Paths) -> None:
    rows = query(
        built.warehouse,
        f"select table_name, estimated_rows, bytes_on_disk from {MART_SCHEMA}.storage_by_table_v1"
        " where table_schema = 'raw'",
    )
    # The load measured the raw tables after its checkpoint; the build then read that measure.
    assert {t for t, _, _ in rows} >= {"claude_code_records", "otel_log_records", "load_manifest"}
    # The measure precedes its own insert and the publish log's: those two are measured by the next load.
    loaded = [(t, n, b) for t, n, b in rows if t not in {"table_storage", "publish_log"}]
    assert all(b is not None and (b > 0) == (n > 0) for _, n, b in loaded), rows


def test_org_and_product_marts_have_no_developer_grain(built: Paths) -> None:
    identifying = {"developer_id", "email", "user_email", "handle", "developer_name", "session_id", "account_uuid"}
    for table in (
        "org_daily_v1",
        "org_team_monthly_v1",
        "licence_utilisation_v1",
        "feature_usage_weekly_v1",
        "failure_modes_v1",
        "session_patterns_v1",
        "journey_paths_v1",
    ):
        found = columns(built.warehouse, table)
        assert found, table
        assert not found & identifying, f"{table} exposes {found & identifying}"
    for table in ("feature_usage_weekly_v1", "failure_modes_v1", "session_patterns_v1", "journey_paths_v1"):
        smallest = query(built.warehouse, f"select min(developers) from {MART_SCHEMA}.{table}")[0][0]
        assert smallest is None or smallest >= 3, f"{table} describes a group of {smallest}"
    platform = set().union(*(columns(built.warehouse, t) for t in ("pipeline_health_v1", "source_freshness_v1")))
    assert not platform & identifying


def test_team_marts_respect_size_and_opt_in(built: Paths) -> None:
    with (built.landing / "org" / "directory.csv").open() as handle:
        directory = list(csv.DictReader(handle))
    sizes: dict[str, int] = {}
    for row in directory:
        sizes[row["team"]] = sizes.get(row["team"], 0) + 1
    small = {team for team, n in sizes.items() if n < 3}
    assert small, "the sample organisation has a team under 3 members"
    for table in ("team_weekly_v2", "team_interaction_patterns_v1"):
        teams = {t for (t,) in query(built.warehouse, f"select distinct team from {MART_SCHEMA}.{table}")}
        assert teams and not teams & small, table
    opted_in = {row["developer_id"] for row in directory if row["individual_sharing_opt_in"] == "true"}
    shown = {
        d for (d,) in query(built.warehouse, f"select distinct developer_id from {MART_SCHEMA}.team_member_weekly_v1")
    }
    assert shown and shown <= opted_in
    org_teams = {t for (t,) in query(built.warehouse, f"select distinct team from {MART_SCHEMA}.org_team_monthly_v1")}
    assert not org_teams & small


def test_no_payload_text_anywhere_after_the_build(built: Paths) -> None:
    con = duckdb.connect(str(built.warehouse), read_only=True)
    try:
        text_columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type like 'VARCHAR%' or data_type = 'JSON' or data_type like 'STRUCT%' or data_type like 'MAP%'"
        ).fetchall()
        assert len(text_columns) > 100
        for schema, table, column in text_columns:
            hits = con.execute(
                f'select count(*) from "{schema}"."{table}" where cast("{column}" as varchar) like ?', [f"%{CANARY}%"]
            ).fetchone()[0]
            assert hits == 0, f"{schema}.{table}.{column} carries payload text"
    finally:
        con.close()


def test_developer_daily_reconciles_with_staging(built: Paths) -> None:
    """Tokens per day in the developer mart equal the deduplicated API responses and Cursor requests."""
    mart = query(
        built.warehouse,
        f"select activity_date, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens) "
        f"from {MART_SCHEMA}.developer_daily_v1 group by 1 order by 1",
    )
    staged = query(
        built.warehouse,
        """
        with tokens as (
            select cast(responded_at as date) as d, input_tokens as i, output_tokens as o, cache_read_tokens as r
            from staging.stg_claude_code__api_usage
            union all
            select cast(occurred_at as date), input_tokens, output_tokens, cache_read_tokens
            from staging.stg_cursor__usage_events
        )
        select d, sum(i), sum(o), sum(r) from tokens group by 1 order by 1
        """,
    )
    assert mart == staged


def test_every_model_and_column_is_documented(built: Paths) -> None:
    """Each built relation is a documented model, and each of its columns has a description in YAML."""
    manifest = json.loads((target_path(built.home) / "manifest.json").read_text())
    documented = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed"):
            assert node["description"].strip(), f"{node['name']} has no description"
            documented[(node["schema"], node["alias"])] = {
                name: column["description"] for name, column in node["columns"].items()
            }
    built_columns = query(
        built.warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema not in ('raw', 'main')",
    )
    assert len(built_columns) > 300
    for schema, table, column in built_columns:
        assert (schema, table) in documented, f"{schema}.{table} is not a documented model"
        assert documented[(schema, table)].get(column, "").strip(), f"{schema}.{table}.{column} is undocumented"


def test_the_tests_defined_with_the_seeds_read_seeds_alone(built: Paths) -> None:
    """A build on new data of an unchanged project leaves out the tests defined in seeds/*.yml with the seeds
    (orchestration/build_state.py): they cannot have changed. One there that read a model would miss new rows."""
    nodes = json.loads((target_path(built.home) / "manifest.json").read_text())["nodes"]
    seeds = {key for key, node in nodes.items() if node["resource_type"] == "seed"}
    with_seeds = [
        node
        for node in nodes.values()
        if node["resource_type"] == "test" and node["original_file_path"].startswith("seeds/")
    ]
    assert len(with_seeds) >= 20
    for node in with_seeds:
        assert node["depends_on"]["nodes"] and set(node["depends_on"]["nodes"]) <= seeds, node["unique_id"]


# Each published aggregate recomputed from the layer below it: (mart, the count of distinct developers each of
# its rows describes, computed independently, keyed like the mart's rows).
ACTIVE_PEOPLE = {
    "team_weekly_v2": """
        select m.team, m.week_start, count(distinct w.developer_id)
        from marts.team_weekly_v2 as m
        left join marts.developer_weekly_v1 as w on w.team = m.team and w.week_start = m.week_start
        group by 1, 2""",
    "team_interaction_patterns_v1": """
        select m.team, m.month_start, m.task_type, count(distinct s.developer_id)
        from marts.team_interaction_patterns_v1 as m
        left join sessions.fct_sessions as s
            on s.team = m.team and date_trunc('month', s.session_date) = m.month_start and s.task_type = m.task_type
        group by 1, 2, 3""",
    "org_daily_v1": """
        select m.activity_date, m.tool, count(distinct e.developer_id)
        from marts.org_daily_v1 as m
        left join events.fct_events as e on e.event_date = m.activity_date and e.tool = m.tool
        group by 1, 2""",
    "org_team_monthly_v1": """
        select m.team, m.month_start, max(m.active_developers)
        from marts.org_team_monthly_v1 as m group by 1, 2""",
    "org_model_costs_v1": """
        select m.month_start, m.tool, m.model_name, count(distinct e.developer_id)
        from marts.org_model_costs_v1 as m
        left join events.fct_events as e
            on date_trunc('month', date_trunc('week', e.event_date)) = m.month_start and e.tool = m.tool
            and e.model_name = m.model_name and e.event_object in ('response', 'ai_request')
        group by 1, 2, 3""",
    "team_milestone_funnel_v1": """
        select m.team, m.milestone, count(distinct d.developer_id)
        from marts.team_milestone_funnel_v1 as m
        left join value_streams.developer_milestones as d on d.team = m.team and d.milestone = m.milestone
        group by 1, 2""",
    "milestone_conversion_v1": """
        select m.segment_type, m.segment_value, m.milestone, min(m.developers_reached)
        from marts.milestone_conversion_v1 as m group by 1, 2, 3""",
    "milestone_timing_v1": """
        select m.cohort_week, m.milestone, count(distinct d.developer_id)
        from marts.milestone_timing_v1 as m
        left join value_streams.developer_milestones as d
            on d.cohort_week = m.cohort_week and d.milestone = m.milestone
        group by 1, 2""",
    "cohort_retention_v1": """
        select m.cohort_week, m.behavioural_cohort, m.weeks_since_start, least(min(m.active_developers),
               min(m.cohort_size))
        from marts.cohort_retention_v1 as m group by 1, 2, 3""",
    "cursor_features_weekly_v1": """
        select m.week_start, m.feature, count(distinct e.developer_id)
        from marts.cursor_features_weekly_v1 as m
        left join events.fct_events as e
            on date_trunc('week', e.event_date) = m.week_start and e.tool = 'cursor' and e.tool_name = m.feature
        group by 1, 2""",
    "value_stream_stalls_v1": """
        select m.segment_type, m.segment_value, m.stalled_after, count(distinct d.developer_id)
        from marts.value_stream_stalls_v1 as m
        left join value_streams.developer_stalls as d
            on d.stalled_after = m.stalled_after
            and (m.segment_type = 'overall' or (m.segment_type = 'persona' and d.persona = m.segment_value))
        group by 1, 2, 3""",
    "team_milestone_stalls_v1": """
        select m.team, m.stalled_after, count(distinct d.developer_id)
        from marts.team_milestone_stalls_v1 as m
        left join value_streams.developer_stalls as d on d.team = m.team and d.stalled_after = m.stalled_after
        group by 1, 2""",
    "team_adoption_v1": """
        select m.team, m.milestone, count(distinct s.developer_id)
        from marts.team_adoption_v1 as m
        left join sessions.fct_sessions as s on s.team = m.team and s.session_date <= m.reached_on + 6
        group by 1, 2""",
    "team_retention_v1": """
        select m.team, m.weeks_since_start, least(min(m.members_started), min(m.members_active))
        from marts.team_retention_v1 as m group by 1, 2""",
    "org_roi_monthly_v1": """
        select m.team, m.month_start, m.scenario, count(distinct s.developer_id)
        from marts.org_roi_monthly_v1 as m
        left join sessions.fct_sessions as s
            on date_trunc('month', s.session_date) = m.month_start
            and (s.team = m.team or (m.team = 'other teams' and s.team not in (
                select team from marts.org_roi_monthly_v1 where team != 'other teams')))
        group by 1, 2, 3""",
}


@pytest.mark.parametrize("mart", sorted(ACTIVE_PEOPLE))
def test_every_aggregate_row_describes_at_least_three_active_people(built: Paths, mart: str) -> None:
    counts = [row[-1] for row in query(built.warehouse, ACTIVE_PEOPLE[mart])]
    assert counts, f"{mart} is empty: the test would prove nothing"
    assert min(counts) >= 3, f"{mart} has a row describing {min(counts)} people"


def test_small_groups_exist_and_are_suppressed(built: Paths) -> None:
    """The sample has team-weeks and org days with fewer than 3 active people; none of them is published."""
    small_weeks = query(
        built.warehouse,
        "select team, week_start from marts.developer_weekly_v1 group by 1, 2 having count(distinct developer_id) < 3",
    )
    assert small_weeks, "the sample has no small team-week: suppression would be untested"
    published = set(query(built.warehouse, "select team, week_start from marts.team_weekly_v2"))
    assert not set(small_weeks) & published
    small_days = query(
        built.warehouse,
        "select event_date, tool from events.fct_events group by 1, 2 having count(distinct developer_id) < 3",
    )
    assert small_days and not set(small_days) & set(
        query(built.warehouse, "select activity_date, tool from marts.org_daily_v1")
    )


def test_team_totals_minus_visible_members_never_leave_one_colleague(built: Paths) -> None:
    """A team lead subtracting the opted-in members' rows from the team's total must not recover a group under 3:
    in every published team-week, the members not shown are none or at least three."""
    remainders = query(
        built.warehouse,
        """
        select t.team, t.week_start, t.active_members - count(m.developer_id) as hidden,
               count(m.developer_id) as shown
        from marts.team_weekly_v2 as t
        left join marts.team_member_weekly_v1 as m on m.team = t.team and m.week_start = t.week_start
        group by t.team, t.week_start, t.active_members, t.sessions
        """,
    )
    assert any(shown for *_, shown in remainders), "no member row beside a team total: the test would prove nothing"
    assert all(hidden == 0 or hidden >= 3 for _, _, hidden, _ in remainders), remainders
    # No figure of the team mart is a single member's own extreme.
    assert not columns(built.warehouse, "team_weekly_v2") & {
        "member_sessions_min",
        "member_sessions_max",
        "member_cost_usd_max",
    }


def test_org_figures_hidden_in_one_mart_are_not_recovered_from_the_other(built: Paths) -> None:
    """A manager subtracting org_daily's shown days or org_model_costs' shown models from org_team_monthly's month
    (or any of them from another) recovers only the hidden figures combined: in every month they describe no
    one or at least three people."""
    people = query(
        built.warehouse,
        """
        with cells as (
            select distinct date_trunc('month', date_trunc('week', e.event_date)) as month_start, e.event_date,
                   e.tool, e.developer_id, d.activity_date is not null as shown,
                   d.sessions_all_tools is not null as day_shown
            from events.fct_events as e
            left join marts.org_daily_v1 as d on d.activity_date = e.event_date and d.tool = e.tool
        ),
        team_months as (
            select distinct date_trunc('month', w.week_start) as month_start, w.developer_id,
                   t.team is not null as shown
            from marts.developer_weekly_v1 as w
            left join intermediate.int_teams_sized as s on s.team = w.team
            left join marts.org_team_monthly_v1 as t
                on t.month_start = date_trunc('month', w.week_start)
                and t.team = case when s.is_reportable then w.team else 'other teams' end
        ),
        model_cells as (
            select distinct date_trunc('month', date_trunc('week', e.event_date)) as month_start, e.developer_id,
                   m.model_name is not null as shown
            from events.fct_events as e
            left join marts.org_model_costs_v1 as m
                on m.month_start = date_trunc('month', date_trunc('week', e.event_date)) and m.tool = e.tool
                and m.model_name = e.model_name
            where e.model_name is not null and e.event_object in ('response', 'ai_request')
        ),
        hidden as (
            select month_start, developer_id, 'cell' as figure from cells where not shown
            union all
            select month_start, developer_id, 'cell' from model_cells where not shown
            union all
            select month_start, developer_id, 'day' from cells where not day_shown
            union all
            select month_start, developer_id, figure from team_months, (values ('cell'), ('day')) as f(figure)
            where not shown
        )
        select month_start, figure, count(distinct developer_id) from hidden group by all
        """,
    )
    assert any(figure == "cell" for _, figure, _ in people), "nothing hidden in the sample: the test proves nothing"
    assert all(n >= 3 for *_, n in people), people


def test_product_weeks_hidden_are_not_recovered_from_failure_modes_totals(built: Paths) -> None:
    """failure_modes' all-time attempts of a feature, minus feature_usage_weekly's shown weeks, give the hidden
    weeks (and hidden client versions) combined: for every feature they describe no one or at least three."""
    people = query(
        built.warehouse,
        """
        with events as (
            select *, coalesce(tool_name, model_name, 'n/a') as usage_feature,
                   coalesce(tool_name, case when event_object in ('response', 'api_request') then 'api_request'
                            else event_object end) as failure_feature,
                   cast(date_trunc('week', event_date) as date) as week_start
            from events.fct_events
            where is_tool_call or event_object in ('ai_request', 'api_request', 'response')
        ),
        hidden as (
            select e.tool, e.failure_feature, e.developer_id
            from events as e
            left join marts.feature_usage_weekly_v1 as u
                on u.week_start = e.week_start and u.tool = e.tool and u.event_name = e.event_name
                and u.feature = e.usage_feature
            where u.tool is null
            union
            select e.tool, e.failure_feature, e.developer_id
            from events as e
            left join marts.failure_modes_v1 as f
                on f.tool = e.tool and f.feature = e.failure_feature
                and f.client_version = coalesce(e.client_version, 'unknown')
            where f.tool is null
        )
        select tool, failure_feature, count(distinct developer_id) from hidden group by all
        """,
    )
    assert people, "nothing hidden in the sample: the test would prove nothing"
    assert all(n >= 3 for *_, n in people), people

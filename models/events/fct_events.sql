{#- Incremental for any arrival order: a run compares each developer's day of events with what is built (count
    and a fingerprint of every row) and rewrites only those that differ, whether a line arrived late, a file
    was replaced or its rows were retracted. New people's history touches every day but no one else's rows. A
    developer's day left with no event is written as a tombstone that the post-hook removes. On DuckDB a run
    computes and compares only the developers whose events can have changed since the last (new lines, a new
    team), when nothing else changed (macros/changed_developers.sql). Spark overwrites whole day partitions, so
    there a changed day is rewritten with all its developers. -#}
{%- set fingerprinted = [
    'event_key', 'event_name', 'source_kind', 'tool', 'occurred_at', 'developer_id', 'team', 'persona',
    'session_id', 'model_name', 'tool_name', 'project', 'git_branch', 'client_version', 'entrypoint', 'outcome',
    'quantity', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'cost_usd',
    'reference_model_cost_usd', 'lines_added', 'lines_removed', 'duration_seconds',
] -%}
{%- set change_key = ['event_date', 'developer_id'] if target.type == 'duckdb' else ['event_date'] -%}
{#- New columns are appended: built_at arrives null on the rows of a table built before it, which
    written_fingerprint reads right. (A new fingerprinted column cannot arrive so: the comparison reads it from the
    built table.) -#}
{{
    config(
        materialized='incremental',
        unique_key=change_key,
        incremental_strategy=incremental_strategy(),
        partition_by=(none if target.type == 'duckdb' else ['event_date']),
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_tombstones('event_key') }}", "{{ remember_events_state() }}"],
    )
}}
-- depends_on: {{ ref('int_identifiers_linked') }}

{%- set changed = changed_developers() %}
{%- set built_where = none if changed is none else developer_in('developer_id', changed) %}

with

claude_code_events as (
    select * from {{ ref('int_claude_code__events') }}
),

otel_events as (
    select * from {{ ref('int_otel__events') }}
),

cursor_events as (
    select * from {{ ref('int_cursor__events') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

taxonomy as (
    select * from {{ ref('event_taxonomy') }}
),

unioned as (
    select * from claude_code_events
    union all
    select * from otel_events
    union all
    select * from cursor_events
),

final as (
    select
        {{ dbt.hash('unioned.source_key') }} as event_key,
        taxonomy.event_name,
        taxonomy.event_object,
        taxonomy.event_action,
        unioned.source_kind,
        unioned.tool,
        unioned.occurred_at,
        unioned.developer_id,
        developers.team,
        developers.persona,
        unioned.session_id,
        unioned.model_name,
        unioned.tool_name,
        unioned.project,
        unioned.git_branch,
        unioned.client_version,
        unioned.entrypoint,
        unioned.outcome,
        unioned.quantity,
        unioned.input_tokens,
        unioned.output_tokens,
        unioned.cache_creation_tokens,
        unioned.cache_read_tokens,
        unioned.cost_usd,
        unioned.reference_model_cost_usd,
        unioned.lines_added,
        unioned.lines_removed,
        unioned.duration_seconds,
        cast(unioned.occurred_at as date) as event_date,
        taxonomy.event_object in ('tool_call', 'edit', 'commit', 'pull_request', 'tests') as is_tool_call,
        -- Not fingerprinted: a row keeps the run that last wrote it (macros/incremental.sql, written_fingerprint).
        {{ run_started_at_value() }} as built_at
    from unioned
    left join taxonomy on unioned.source_kind = taxonomy.source_kind
    left join developers on unioned.developer_id = developers.developer_id
    {%- if changed is not none %}
    where {{ developer_in('unioned.developer_id', changed) }}
    {%- endif %}
)

{% if is_incremental() %}

    -- Developers' days whose events differ from what is built, and those with none left.
    {{ select_changed(change_key, fingerprinted, built_where=built_where) }}

{% else %}

    select * from final

{% endif %}

-- OpenTelemetry in the event stream's shape, for the sessions no transcript describes (a transcript and OTel
-- record the same session: the transcript wins, always). From the log events: prompts, API requests and
-- errors, tool results. From the metric points what only they record: commits, pull requests, lines changed
-- and the client's active time. An edit decision is counted once, from the first source a session has: its
-- edit tools' tool_result events (read as transcripts are: accepted, or rejected by its decision), else its
-- tool_decision events, else the code_edit_tool.decision metric (events carry each decision's time).
{{ config(materialized='view') }}

{%- set edit_tools = "('Edit', 'MultiEdit', 'Write', 'NotebookEdit')" %}

with

otel_events as (
    select * from {{ ref('stg_otel__events') }}
),

session_context as (
    select * from {{ ref('int_claude_code_sessions_context') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

described_sessions as (
    -- The sessions a transcript describes. OpenTelemetry rows are matched against them by an anti-join
    -- (a left join, then no match): as `not exists`, DuckDB held every OTel event for the correlated
    -- subquery (1.2 GB at 5M transcript lines).
    select distinct session_id from session_context
),

metric_points as (
    select * from {{ ref('stg_otel__metric_points') }}
    where
        metric_name in (
            'claude_code.commit.count',
            'claude_code.pull_request.count',
            'claude_code.lines_of_code.count',
            'claude_code.active_time.total',
            'claude_code.code_edit_tool.decision'
        )
        and session_id is not null
),

otel_only as (
    -- OpenTelemetry repeats what transcripts record: it counts only for sessions with no transcript.
    select
        otel_events.*,
        {{ otel_linked_developer() }} as linked_developer_id
    from otel_events
    {{ otel_identity_joins('otel_events') }}
    left join described_sessions on otel_events.session_id = described_sessions.session_id
    where
        (
            otel_events.otel_event_name in ('user_prompt', 'api_request', 'api_error', 'tool_result')
            or (otel_events.otel_event_name = 'tool_decision' and otel_events.tool_name in {{ edit_tools }})
        )
        and described_sessions.session_id is null
),

otel_sources as (
    -- Which sources of edit decisions each session has.
    select
        session_id,
        max(case when otel_event_name = 'tool_result' and tool_name in {{ edit_tools }} then 1 else 0 end)
            as has_edit_results,
        max(case when otel_event_name = 'tool_decision' then 1 else 0 end) as has_edit_decisions
    from otel_only
    group by session_id
),

otel_kept as (
    select otel_only.*
    from otel_only
    left join otel_sources on otel_only.session_id = otel_sources.session_id
    where otel_only.otel_event_name != 'tool_decision' or coalesce(otel_sources.has_edit_results, 0) = 0
),

otel_enriched as (
    select
        'otel:' || otel_event_key as source_key,
        case
            when otel_event_name = 'tool_result' and tool_name in {{ edit_tools }} and is_success
                then 'otel:tool_result:edit:ok'
            when otel_event_name = 'tool_result' and tool_name in {{ edit_tools }} and decision = 'reject'
                then 'otel:tool_result:edit:rejected'
            when otel_event_name = 'tool_result' and is_success then 'otel:tool_result:ok'
            when otel_event_name = 'tool_result' then 'otel:tool_result:error'
            when otel_event_name = 'tool_decision' and decision = 'accept' then 'otel:tool_decision:accept'
            when otel_event_name = 'tool_decision' then 'otel:tool_decision:reject'
            else 'otel:' || otel_event_name
        end as source_kind,
        occurred_at,
        case
            when otel_event_name in ('tool_result', 'tool_decision') and decision = 'reject' then 'rejected'
            when otel_event_name = 'api_error' or is_success = false then 'error'
            else 'ok'
        end as outcome,
        model_name,
        tool_name,
        session_id,
        {{ otel_developer_id() }} as developer_id,
        cast(null as {{ dbt.type_string() }}) as project,
        cast(null as {{ dbt.type_string() }}) as git_branch,
        client_version,
        'claude_code' as tool,
        terminal_type as entrypoint,
        1 as quantity,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(cache_creation_tokens, 0) as cache_creation_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        {{ money('coalesce(cost_usd, 0)') }} as cost_usd,
        {{ money('null') }} as reference_model_cost_usd,
        0 as lines_added,
        0 as lines_removed,
        duration_ms / 1000.0 as duration_seconds
    from otel_kept
),

points_linked as (
    select
        metric_points.*,
        {{ otel_linked_developer() }} as linked_developer_id,
        -- A cumulative series restates its running total: each point's increase is what it adds.
        case
            when metric_points.aggregation_temporality = 2
                then metric_points.point_value - coalesce(lag(metric_points.point_value) over (
                    partition by
                        metric_points.session_id,
                        metric_points.metric_name,
                        metric_points.point_type,
                        metric_points.decision,
                        metric_points.tool_name,
                        metric_points.started_at
                    order by metric_points.observed_at, metric_points.metric_point_key
                ), 0)
            else metric_points.point_value
        end as point_increase
    from metric_points
    {{ otel_identity_joins('metric_points') }}
    left join described_sessions on metric_points.session_id = described_sessions.session_id
    where described_sessions.session_id is null
),

points_kept as (
    -- Edit decisions from the metric only where no event describes the session's decisions.
    select
        *,
        case
            when metric_name = 'claude_code.commit.count' then 'otel:metric:commit'
            when metric_name = 'claude_code.pull_request.count' then 'otel:metric:pull_request'
            when metric_name = 'claude_code.lines_of_code.count' then 'otel:metric:lines_of_code'
            when metric_name = 'claude_code.active_time.total' then 'otel:metric:active_time'
            when decision = 'accept' then 'otel:metric:edit_decision:accept'
            else 'otel:metric:edit_decision:reject'
        end as source_kind
    from points_linked
    where
        point_increase > 0
        and not (
            metric_name = 'claude_code.code_edit_tool.decision'
            and exists (
                select 1 from otel_sources
                where
                    otel_sources.session_id = points_linked.session_id
                    and otel_sources.has_edit_results + otel_sources.has_edit_decisions > 0
            )
        )
),

metric_enriched as (
    select
        'otel:metric:' || metric_point_key as source_key,
        source_kind,
        observed_at as occurred_at,
        case when source_kind = 'otel:metric:edit_decision:reject' then 'rejected' else 'ok' end as outcome,
        model_name,
        tool_name,
        session_id,
        {{ otel_developer_id() }} as developer_id,
        cast(null as {{ dbt.type_string() }}) as project,
        cast(null as {{ dbt.type_string() }}) as git_branch,
        client_version,
        'claude_code' as tool,
        cast(null as {{ dbt.type_string() }}) as entrypoint,
        -- Counters are whole numbers; lines and active time are carried in their own columns.
        case
            when source_kind in ('otel:metric:lines_of_code', 'otel:metric:active_time') then 1
            else cast(round(point_increase) as bigint)
        end as quantity,
        cast(0 as bigint) as input_tokens,
        cast(0 as bigint) as output_tokens,
        cast(0 as bigint) as cache_creation_tokens,
        cast(0 as bigint) as cache_read_tokens,
        {{ money(0) }} as cost_usd,
        {{ money('null') }} as reference_model_cost_usd,
        case
            when source_kind = 'otel:metric:lines_of_code' and point_type = 'added'
                then cast(round(point_increase) as bigint)
            else 0
        end as lines_added,
        case
            when source_kind = 'otel:metric:lines_of_code' and point_type = 'removed'
                then cast(round(point_increase) as bigint)
            else 0
        end as lines_removed,
        case when source_kind = 'otel:metric:active_time' then point_increase end as duration_seconds
    from points_kept
),

final as (
    select * from otel_enriched
    union all
    select * from metric_enriched
)

select * from final

-- OpenTelemetry events in the event stream's shape: prompts, API requests and errors, tool results, for the
-- sessions no transcript describes (a transcript and OTel record the same session; the transcript wins).
{{ config(materialized='view') }}

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

otel_only as (
    -- OpenTelemetry repeats what transcripts record: it counts only for sessions with no transcript.
    select
        otel_events.*,
        coalesce(by_email.developer_id, by_account.developer_id, by_anonymous.developer_id) as linked_developer_id
    from otel_events
    left join links as by_email
        on by_email.identifier_type = 'email' and otel_events.user_email = by_email.identifier_value
    left join links as by_account
        on by_account.identifier_type = 'account_uuid' and otel_events.account_uuid = by_account.identifier_value
    left join links as by_anonymous
        on
            by_anonymous.identifier_type = 'anonymous_id'
            and otel_events.anonymous_user_id = by_anonymous.identifier_value
    where
        otel_events.otel_event_name in ('user_prompt', 'api_request', 'api_error', 'tool_result')
        and not exists (
            select 1 from session_context
            where session_context.session_id = otel_events.session_id
        )
),

otel_enriched as (
    select
        'otel:' || otel_event_key as source_key,
        case
            when otel_event_name = 'tool_result' and is_success then 'otel:tool_result:ok'
            when otel_event_name = 'tool_result' then 'otel:tool_result:error'
            else 'otel:' || otel_event_name
        end as source_kind,
        occurred_at,
        case when otel_event_name = 'api_error' or is_success = false then 'error' else 'ok' end as outcome,
        model_name,
        tool_name,
        session_id,
        coalesce(
            linked_developer_id,
            'unresolved:email:' || user_email,
            'unresolved:anonymous_id:' || anonymous_user_id
        ) as developer_id,
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
    from otel_only
)

select * from otel_enriched

{#- Incremental by day, for any arrival order: a run compares each day's events with what is built (count and
    a fingerprint of every row) and rewrites only the days that differ, whether a line arrived late, a file
    was replaced or its rows were retracted. A day left with no event is written as a tombstone that the
    post-hook removes (DuckDB; Spark overwrites the day's partition). -#}
{%- set fingerprinted = [
    'event_key', 'event_name', 'source_kind', 'tool', 'occurred_at', 'developer_id', 'team', 'persona',
    'session_id', 'model_name', 'tool_name', 'project', 'git_branch', 'client_version', 'entrypoint', 'outcome',
    'quantity', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'cost_usd',
    'reference_model_cost_usd', 'lines_added', 'lines_removed', 'duration_seconds',
] -%}
{{
    config(
        materialized='incremental',
        unique_key='event_date',
        incremental_strategy=incremental_strategy(),
        partition_by=(none if target.type == 'duckdb' else ['event_date']),
        on_schema_change='fail',
        post_hook="{{ delete_tombstones('event_key') }}",
    )
}}

with

messages as (
    select * from {{ ref('stg_claude_code__messages') }}
),

tool_calls as (
    select * from {{ ref('stg_claude_code__tool_calls') }}
),

system_events as (
    select * from {{ ref('stg_claude_code__system_events') }}
),

api_usage as (
    select * from {{ ref('int_api_usage_costed') }}
),

session_context as (
    select * from {{ ref('int_claude_code_sessions_context') }}
),

otel_events as (
    select * from {{ ref('stg_otel__events') }}
),

cursor_requests as (
    select * from {{ ref('stg_cursor__usage_events') }}
),

cursor_daily as (
    select * from {{ ref('stg_cursor__daily_usage') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

taxonomy as (
    select * from {{ ref('event_taxonomy') }}
),

transcript_sessions as (
    select
        session_id,
        transcript_owner,
        'transcript:session_start' as source_kind,
        first_record_at as occurred_at,
        'ok' as outcome,
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        'session:' || transcript_owner || ':' || session_id as source_key
    from session_context
    where session_id is not null
),

transcript_prompts as (
    select
        session_id,
        transcript_owner,
        'transcript:prompt' as source_kind,
        sent_at as occurred_at,
        'ok' as outcome,
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        'message:' || transcript_owner || ':' || message_uuid as source_key
    from messages
    where is_prompt
),

transcript_slash_commands as (
    select
        session_id,
        transcript_owner,
        'transcript:slash_command' as source_kind,
        sent_at as occurred_at,
        'ok' as outcome,
        cast(null as {{ dbt.type_string() }}) as model_name,
        slash_command as tool_name,
        'slash:' || transcript_owner || ':' || message_uuid as source_key
    from messages
    where slash_command is not null
),

transcript_tool_calls as (
    select
        session_id,
        transcript_owner,
        case
            when tool_name in ('Edit', 'MultiEdit', 'Write', 'NotebookEdit') and outcome in ('ok', 'rejected')
                then 'transcript:edit:' || outcome
            when command_kind = 'git_commit' and outcome = 'ok' then 'transcript:commit'
            when command_kind = 'pr_create' and outcome = 'ok' then 'transcript:pull_request'
            when command_kind = 'test_run' then 'transcript:test_run'
            when outcome = 'rejected' then 'transcript:tool_call:error'
            else 'transcript:tool_call:' || outcome
        end as source_kind,
        called_at as occurred_at,
        outcome,
        model_name,
        tool_name,
        'tool:' || transcript_owner || ':' || tool_use_id as source_key
    from tool_calls
),

transcript_api_errors as (
    select
        session_id,
        transcript_owner,
        'transcript:api_error' as source_kind,
        occurred_at,
        'error' as outcome,
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        'system:' || system_event_key as source_key
    from system_events
    where subtype = 'api_error'
),

transcript_events as (
    select * from transcript_sessions
    union all
    select * from transcript_api_errors
    union all
    select * from transcript_prompts
    union all
    select * from transcript_slash_commands
    union all
    select * from transcript_tool_calls
),

transcript_enriched as (
    select
        transcript_events.source_key,
        transcript_events.source_kind,
        transcript_events.occurred_at,
        transcript_events.outcome,
        transcript_events.model_name,
        transcript_events.tool_name,
        transcript_events.session_id,
        session_context.developer_id,
        session_context.project,
        session_context.git_branch,
        session_context.client_version,
        'claude_code' as tool,
        'cli' as entrypoint,
        1 as quantity,
        cast(0 as bigint) as input_tokens,
        cast(0 as bigint) as output_tokens,
        cast(0 as bigint) as cache_creation_tokens,
        cast(0 as bigint) as cache_read_tokens,
        {{ money(0) }} as cost_usd,
        {{ money(0) }} as reference_model_cost_usd,
        coalesce(tool_calls.lines_added, 0) as lines_added,
        coalesce(tool_calls.lines_removed, 0) as lines_removed,
        tool_calls.duration_seconds
    from transcript_events
    inner join session_context
        on
            transcript_events.transcript_owner = session_context.transcript_owner
            and coalesce(transcript_events.session_id, '') = coalesce(session_context.session_id, '')
    left join tool_calls
        on transcript_events.source_key = 'tool:' || tool_calls.transcript_owner || ':' || tool_calls.tool_use_id
),

transcript_responses as (
    select
        'response:' || api_usage.api_request_key as source_key,
        'transcript:api_response' as source_kind,
        api_usage.responded_at as occurred_at,
        'ok' as outcome,
        api_usage.model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        api_usage.session_id,
        session_context.developer_id,
        session_context.project,
        session_context.git_branch,
        session_context.client_version,
        'claude_code' as tool,
        'cli' as entrypoint,
        1 as quantity,
        api_usage.input_tokens,
        api_usage.output_tokens,
        api_usage.cache_creation_tokens,
        api_usage.cache_read_tokens,
        api_usage.cost_usd,
        api_usage.reference_model_cost_usd,
        0 as lines_added,
        0 as lines_removed,
        cast(null as double) as duration_seconds
    from api_usage
    inner join session_context
        on
            api_usage.transcript_owner = session_context.transcript_owner
            and coalesce(api_usage.session_id, '') = coalesce(session_context.session_id, '')
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
),

cursor_request_events as (
    select
        'cursor:' || cursor_requests.usage_event_key as source_key,
        case when cursor_requests.is_errored then 'cursor:request_errored' else 'cursor:request' end
            as source_kind,
        cursor_requests.occurred_at,
        case when cursor_requests.is_errored then 'error' else 'ok' end as outcome,
        cursor_requests.model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        cast(null as {{ dbt.type_string() }}) as session_id,
        coalesce(links.developer_id, 'unresolved:email:' || cursor_requests.user_email) as developer_id,
        cast(null as {{ dbt.type_string() }}) as project,
        cast(null as {{ dbt.type_string() }}) as git_branch,
        cast(null as {{ dbt.type_string() }}) as client_version,
        'cursor' as tool,
        case when cursor_requests.is_max_mode then 'max_mode' else 'ide' end as entrypoint,
        1 as quantity,
        cursor_requests.input_tokens,
        cursor_requests.output_tokens,
        cursor_requests.input_with_cache_write_tokens - cursor_requests.input_tokens as cache_creation_tokens,
        cursor_requests.cache_read_tokens,
        {{ money('cursor_requests.cost_usd') }} as cost_usd,
        {{ money('null') }} as reference_model_cost_usd,
        0 as lines_added,
        0 as lines_removed,
        cast(null as double) as duration_seconds
    from cursor_requests
    left join links on links.identifier_type = 'email' and cursor_requests.user_email = links.identifier_value
),

cursor_daily_kinds as (
    select
        daily_usage_key,
        user_email,
        usage_date,
        most_used_model,
        client_version,
        accepted_lines_added,
        accepted_lines_deleted,
        'cursor:daily_accepts' as source_kind,
        total_accepts as quantity
    from cursor_daily
    where total_accepts > 0

    union all

    select
        daily_usage_key,
        user_email,
        usage_date,
        most_used_model,
        client_version,
        0 as accepted_lines_added,
        0 as accepted_lines_deleted,
        'cursor:daily_rejects' as source_kind,
        total_rejects as quantity
    from cursor_daily
    where total_rejects > 0

    union all

    select
        daily_usage_key,
        user_email,
        usage_date,
        most_used_model,
        client_version,
        0 as accepted_lines_added,
        0 as accepted_lines_deleted,
        'cursor:daily_tabs' as source_kind,
        total_tabs_accepted as quantity
    from cursor_daily
    where total_tabs_accepted > 0
),

cursor_daily_events as (
    select
        cursor_daily_kinds.source_kind || ':' || cursor_daily_kinds.daily_usage_key as source_key,
        cursor_daily_kinds.source_kind,
        -- A daily total is stamped at the last second of its day, after that day's requests.
        {{ dbt.dateadd('second', 86399, 'cast(cursor_daily_kinds.usage_date as timestamp)') }} as occurred_at,
        case when cursor_daily_kinds.source_kind = 'cursor:daily_rejects' then 'rejected' else 'ok' end
            as outcome,
        cursor_daily_kinds.most_used_model as model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        cast(null as {{ dbt.type_string() }}) as session_id,
        coalesce(links.developer_id, 'unresolved:email:' || cursor_daily_kinds.user_email) as developer_id,
        cast(null as {{ dbt.type_string() }}) as project,
        cast(null as {{ dbt.type_string() }}) as git_branch,
        cursor_daily_kinds.client_version,
        'cursor' as tool,
        'ide' as entrypoint,
        cursor_daily_kinds.quantity,
        cast(0 as bigint) as input_tokens,
        cast(0 as bigint) as output_tokens,
        cast(0 as bigint) as cache_creation_tokens,
        cast(0 as bigint) as cache_read_tokens,
        {{ money(0) }} as cost_usd,
        {{ money('null') }} as reference_model_cost_usd,
        cursor_daily_kinds.accepted_lines_added as lines_added,
        cursor_daily_kinds.accepted_lines_deleted as lines_removed,
        cast(null as double) as duration_seconds
    from cursor_daily_kinds
    left join links on links.identifier_type = 'email' and cursor_daily_kinds.user_email = links.identifier_value
),

unioned as (
    select * from transcript_enriched
    union all
    select * from transcript_responses
    union all
    select * from otel_enriched
    union all
    select * from cursor_request_events
    union all
    select * from cursor_daily_events
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
        taxonomy.event_object in ('tool_call', 'edit', 'commit', 'pull_request', 'tests') as is_tool_call
    from unioned
    left join taxonomy on unioned.source_kind = taxonomy.source_kind
    left join developers on unioned.developer_id = developers.developer_id
)

{% if is_incremental() %}

    -- Days whose events differ from what is built, and days with none left.
    {{ select_changed('event_date', fingerprinted) }}

{% else %}

    select * from final

{% endif %}

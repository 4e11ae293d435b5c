-- Claude Code transcript events in the event stream's shape, before naming and enrichment: sessions,
-- prompts, slash commands, tool calls (edits, commits, PRs, test runs), API errors and API responses, each
-- owned by the transcript's owner and carrying its session's context.
{{ config(materialized='view') }}

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

transcript_sessions as (
    select
        session_id,
        transcript_owner,
        'transcript:session_start' as source_kind,
        first_record_at as occurred_at,
        'ok' as outcome,
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as tool_name,
        'session:' || transcript_owner || ':' || session_id as source_key,
        0 as lines_added,
        0 as lines_removed,
        cast(null as double) as duration_seconds
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
        'message:' || transcript_owner || ':' || message_uuid as source_key,
        0 as lines_added,
        0 as lines_removed,
        cast(null as double) as duration_seconds
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
        'slash:' || transcript_owner || ':' || message_uuid as source_key,
        0 as lines_added,
        0 as lines_removed,
        cast(null as double) as duration_seconds
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
        'tool:' || transcript_owner || ':' || tool_use_id as source_key,
        lines_added,
        lines_removed,
        duration_seconds
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
        'system:' || system_event_key as source_key,
        0 as lines_added,
        0 as lines_removed,
        cast(null as double) as duration_seconds
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
        transcript_events.lines_added,
        transcript_events.lines_removed,
        transcript_events.duration_seconds
    from transcript_events
    inner join session_context
        on
            transcript_events.transcript_owner = session_context.transcript_owner
            and coalesce(transcript_events.session_id, '') = coalesce(session_context.session_id, '')
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

final as (
    select * from transcript_enriched
    union all
    select * from transcript_responses
)

select * from final

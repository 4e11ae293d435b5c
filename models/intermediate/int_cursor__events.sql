-- Cursor events in the event stream's shape: one per request from the usage-events export, and each count of
-- the daily export (applies accepted and rejected, tabs accepted and shown, composer, chat, agent and cmd-k
-- requests) as one event per day, weighted by that count, its feature in tool_name (one unpivot).
{{ config(materialized='view') }}

with

cursor_requests as (
    select * from {{ ref('stg_cursor__usage_events') }}
),

cursor_daily as (
    select * from {{ ref('stg_cursor__daily_usage') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
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
        {{ email_developer_id('links.developer_id', 'cursor_requests.user_email') }} as developer_id,
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

daily_kinds as (
    -- What the daily export counts, one kind each, with the feature it belongs to.
    select
        'cursor:daily_accepts' as source_kind,
        'apply' as feature
    union all
    select
        'cursor:daily_rejects' as source_kind,
        'apply' as feature
    union all
    select
        'cursor:daily_tabs' as source_kind,
        'tab' as feature
    union all
    select
        'cursor:daily_tabs_shown' as source_kind,
        'tab' as feature
    union all
    select
        'cursor:daily_composer' as source_kind,
        'composer' as feature
    union all
    select
        'cursor:daily_chat' as source_kind,
        'chat' as feature
    union all
    select
        'cursor:daily_agent' as source_kind,
        'agent' as feature
    union all
    select
        'cursor:daily_cmdk' as source_kind,
        'cmd_k' as feature
),

cursor_daily_kinds as (
    -- One row per day and kind; accepted lines belong to the accepts.
    select
        cursor_daily.daily_usage_key,
        cursor_daily.user_email,
        cursor_daily.usage_date,
        cursor_daily.most_used_model,
        cursor_daily.client_version,
        daily_kinds.source_kind,
        daily_kinds.feature,
        case daily_kinds.source_kind
            when 'cursor:daily_accepts' then cursor_daily.total_accepts
            when 'cursor:daily_rejects' then cursor_daily.total_rejects
            when 'cursor:daily_tabs' then cursor_daily.total_tabs_accepted
            when 'cursor:daily_tabs_shown' then cursor_daily.total_tabs_shown
            when 'cursor:daily_composer' then cursor_daily.composer_requests
            when 'cursor:daily_chat' then cursor_daily.chat_requests
            when 'cursor:daily_agent' then cursor_daily.agent_requests
            else cursor_daily.cmdk_usages
        end as quantity,
        case when daily_kinds.source_kind = 'cursor:daily_accepts' then cursor_daily.accepted_lines_added else 0 end
            as accepted_lines_added,
        case when daily_kinds.source_kind = 'cursor:daily_accepts' then cursor_daily.accepted_lines_deleted else 0 end
            as accepted_lines_deleted
    from cursor_daily
    cross join daily_kinds
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
        cursor_daily_kinds.feature as tool_name,
        cast(null as {{ dbt.type_string() }}) as session_id,
        {{ email_developer_id('links.developer_id', 'cursor_daily_kinds.user_email') }} as developer_id,
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
    where cursor_daily_kinds.quantity > 0
),

final as (
    select * from cursor_request_events
    union all
    select * from cursor_daily_events
)

select * from final

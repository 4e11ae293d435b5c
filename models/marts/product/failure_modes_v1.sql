-- Where developers hit friction: failing tool calls and requests by tool, kind and client version, with
-- how often a failure was retried; only groups of at least the minimum size.
with

events as (
    select * from {{ ref('fct_events') }}
    where is_tool_call or event_object in ('ai_request', 'api_request')
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        cast(events.tool as {{ dbt.type_string() }}) as tool,
        cast(coalesce(events.tool_name, events.event_object) as {{ dbt.type_string() }}) as feature,
        cast(coalesce(events.client_version, 'unknown') as {{ dbt.type_string() }}) as client_version,
        cast(sum(events.quantity) as bigint) as attempts,
        cast(sum(case when events.outcome = 'error' then events.quantity else 0 end) as bigint) as failures,
        cast(sum(case when events.outcome = 'rejected' then events.quantity else 0 end) as bigint) as rejections,
        cast(
            sum(case when events.outcome = 'error' then events.quantity else 0 end) * 1.0 / sum(events.quantity)
            as double
        ) as failure_rate,
        cast(count(distinct events.developer_id) as bigint) as developers,
        cast(count(distinct sessions.session_key) filter (where sessions.outcome = 'errored') as bigint)
            as errored_sessions
    from events
    left join sessions on 'claude_code:' || events.session_id = sessions.session_key
    group by events.tool, coalesce(events.tool_name, events.event_object), coalesce(events.client_version, 'unknown')
    having count(distinct events.developer_id) >= {{ var('min_group_size') }}
)

select * from final

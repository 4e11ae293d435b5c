-- Where developers hit friction: failing tool calls and requests by tool, kind and client version, with
-- how often a failure was retried; only groups of at least the minimum size.
with

events as (
    select
        *,
        -- An API request either returns a response or fails: both are attempts of the one feature.
        {{ failure_mode_feature('tool_name', 'event_object') }} as feature
    from {{ ref('fct_events') }}
    where is_tool_call or event_object in ('ai_request', 'api_request', 'response')
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        cast(events.tool as {{ dbt.type_string() }}) as tool,
        cast(events.feature as {{ dbt.type_string() }}) as feature,
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
    left join sessions
        on
            events.tool = sessions.tool
            and events.session_id = sessions.session_id
            and events.developer_id = sessions.developer_id
    group by events.tool, events.feature, coalesce(events.client_version, 'unknown')
    having count(distinct events.developer_id) >= {{ var('min_group_size') }}
)

select * from final

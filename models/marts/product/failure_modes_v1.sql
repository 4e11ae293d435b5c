-- Where developers hit friction: failing tool calls and requests by tool, kind and client version, with
-- how often a failure was retried; only groups of at least the minimum size.
with

-- Read where it is used: held whole for its several readers, every event was copied (its query at 5M
-- transcript lines 0.35 -> 0.16 s).
events as {{ not_materialized() }} (
    select
        *,
        -- An API request either returns a response or fails: both are attempts of the one feature.
        {{ failure_mode_feature('tool_name', 'event_object') }} as feature
    from {{ ref('fct_events') }}
    where is_tool_call or event_object in ('ai_request', 'api_request', 'response')
),

errored_sessions as (
    select * from {{ ref('fct_sessions') }}
    where outcome = 'errored'
),

attempted as (
    select
        tool,
        feature,
        coalesce(client_version, 'unknown') as client_version,
        sum(quantity) as attempts,
        sum(case when outcome = 'error' then quantity else 0 end) as failures,
        sum(case when outcome = 'rejected' then quantity else 0 end) as rejections,
        count(distinct developer_id) as developers
    from events
    group by tool, feature, coalesce(client_version, 'unknown')
    having count(distinct developer_id) >= {{ var('min_group_size') }}
),

errored as (
    -- Only the errored sessions' events are joined to a session, not every event (at 5M lines, 0.36-0.48 s
    -- against 0.56-0.65 s for the whole query).
    select
        events.tool,
        events.feature,
        coalesce(events.client_version, 'unknown') as client_version,
        count(distinct errored_sessions.session_key) as errored_sessions
    from events
    inner join errored_sessions
        on
            events.tool = errored_sessions.tool
            and events.session_id = errored_sessions.session_id
            and events.developer_id = errored_sessions.developer_id
    group by events.tool, events.feature, coalesce(events.client_version, 'unknown')
),

final as (
    select
        cast(attempted.tool as {{ dbt.type_string() }}) as tool,
        cast(attempted.feature as {{ dbt.type_string() }}) as feature,
        cast(attempted.client_version as {{ dbt.type_string() }}) as client_version,
        cast(attempted.attempts as bigint) as attempts,
        cast(attempted.failures as bigint) as failures,
        cast(attempted.rejections as bigint) as rejections,
        cast(attempted.failures * 1.0 / attempted.attempts as double) as failure_rate,
        cast(attempted.developers as bigint) as developers,
        cast(coalesce(errored.errored_sessions, 0) as bigint) as errored_sessions
    from attempted
    left join errored
        on
            attempted.tool = errored.tool
            and attempted.feature = errored.feature
            and attempted.client_version = errored.client_version
)

select * from final

with

events as (
    select * from {{ ref('fct_events') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

event_days as (
    select
        developer_id,
        event_date as activity_date,
        sum(case when event_name = 'prompt_submitted' then quantity else 0 end) as prompts,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens,
        sum(cache_creation_tokens) as cache_creation_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum({{ money('cost_usd') }}) as cost_usd,
        sum(lines_added) as lines_added,
        sum(lines_removed) as lines_removed,
        sum(case when is_tool_call then quantity else 0 end) as tool_calls,
        sum(case when is_tool_call and outcome = 'error' then quantity else 0 end) as tool_failures,
        sum(case when event_name = 'edit_accepted' then quantity else 0 end) as edits_accepted,
        sum(case when event_name = 'edit_rejected' then quantity else 0 end) as edits_rejected,
        sum(case when event_name = 'commit_created' then quantity else 0 end) as commits,
        sum(case when event_name = 'pull_request_created' then quantity else 0 end) as pull_requests,
        sum(case when event_object = 'ai_request' then quantity else 0 end) as ai_requests,
        count(distinct tool) as tools_used
    from events
    group by developer_id, event_date
),

session_days as (
    select
        developer_id,
        session_date as activity_date,
        count(*) as sessions,
        sum(case when outcome = 'succeeded' then 1 else 0 end) as sessions_succeeded,
        sum(retries) as retries,
        cast(sum(active_seconds) as double) / 60.0 as active_minutes,
        -- Time to resolution: how long sessions that landed code took, the median of the day.
        median(case when outcome = 'succeeded' then duration_seconds end) / 60.0 as median_minutes_to_resolution
    from sessions
    group by developer_id, session_date
),

joined as (
    select
        event_days.*,
        session_days.median_minutes_to_resolution,
        coalesce(session_days.sessions, 0) as sessions,
        coalesce(session_days.sessions_succeeded, 0) as sessions_succeeded,
        coalesce(session_days.retries, 0) as retries,
        coalesce(session_days.active_minutes, 0) as active_minutes
    from event_days
    left join session_days
        on event_days.developer_id = session_days.developer_id and event_days.activity_date = session_days.activity_date
),

final as (
    select
        cast(joined.developer_id as {{ dbt.type_string() }}) as developer_id,
        cast(joined.activity_date as date) as activity_date,
        cast(developers.team as {{ dbt.type_string() }}) as team,
        cast(joined.sessions as bigint) as sessions,
        cast(joined.sessions_succeeded as bigint) as sessions_succeeded,
        cast(joined.prompts as bigint) as prompts,
        cast(joined.ai_requests as bigint) as ai_requests,
        cast(joined.input_tokens as bigint) as input_tokens,
        cast(joined.output_tokens as bigint) as output_tokens,
        cast(joined.cache_creation_tokens as bigint) as cache_creation_tokens,
        cast(joined.cache_read_tokens as bigint) as cache_read_tokens,
        cast(
            joined.input_tokens + joined.output_tokens + joined.cache_creation_tokens + joined.cache_read_tokens
            as bigint
        ) as total_tokens,
        cast(joined.cost_usd as double) as cost_usd,
        cast(joined.lines_added as bigint) as lines_added,
        cast(joined.lines_removed as bigint) as lines_removed,
        cast(joined.tool_calls as bigint) as tool_calls,
        cast(joined.tool_failures as bigint) as tool_failures,
        cast(joined.retries as bigint) as retries,
        cast(case when joined.tool_calls > 0 then joined.tool_failures * 1.0 / joined.tool_calls end as double)
            as tool_error_rate,
        cast(joined.edits_accepted as bigint) as edits_accepted,
        cast(joined.edits_rejected as bigint) as edits_rejected,
        cast(joined.commits as bigint) as commits,
        cast(joined.pull_requests as bigint) as pull_requests,
        cast(joined.active_minutes as double) as active_minutes,
        cast(joined.median_minutes_to_resolution as double) as median_minutes_to_resolution,
        cast(joined.tools_used as bigint) as tools_used
    from joined
    left join developers on joined.developer_id = developers.developer_id
)

select * from final

-- Organisation roll-up per day and tool for engineering managers: no developer-level row or identifier,
-- and every row describes at least min_group_size developers.
with

daily as (
    select * from {{ ref('developer_daily', v=1) }}
),

events as (
    select * from {{ ref('fct_events') }}
),

by_tool as (
    select
        event_date as activity_date,
        tool,
        count(distinct developer_id) as active_developers,
        sum({{ money('cost_usd') }}) as cost_usd,
        sum(coalesce(reference_model_cost_usd, cost_usd)) as reference_model_cost_usd,
        sum(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) as total_tokens,
        sum(case when event_name = 'edit_accepted' then quantity else 0 end) as edits_accepted,
        sum(case when event_name = 'commit_created' then quantity else 0 end) as commits,
        sum(case when event_name = 'pull_request_created' then quantity else 0 end) as pull_requests,
        sum(lines_added) as lines_added
    from events
    group by event_date, tool
),

sessions_by_day as (
    select
        activity_date,
        sum(sessions) as sessions
    from daily
    group by activity_date
    having count(distinct developer_id) >= {{ var('min_group_size') }}
),

final as (
    select
        cast(by_tool.activity_date as date) as activity_date,
        cast(by_tool.tool as {{ dbt.type_string() }}) as tool,
        cast(by_tool.active_developers as bigint) as active_developers,
        cast(by_tool.total_tokens as bigint) as total_tokens,
        cast(by_tool.cost_usd as double) as cost_usd,
        cast(by_tool.reference_model_cost_usd as double) as reference_model_cost_usd,
        cast(by_tool.cost_usd - by_tool.reference_model_cost_usd as double) as cost_above_reference_usd,
        cast(by_tool.edits_accepted as bigint) as edits_accepted,
        cast(by_tool.commits as bigint) as commits,
        cast(by_tool.pull_requests as bigint) as pull_requests,
        cast(by_tool.lines_added as bigint) as lines_added,
        cast(sessions_by_day.sessions as bigint) as sessions_all_tools,
        cast(
            case
                when by_tool.edits_accepted + by_tool.commits + by_tool.pull_requests > 0
                    then by_tool.cost_usd / (by_tool.edits_accepted + by_tool.commits + by_tool.pull_requests)
            end as double
        ) as cost_per_output_usd
    from by_tool
    left join sessions_by_day on by_tool.activity_date = sessions_by_day.activity_date
    -- A day and tool used by fewer developers is not shown: its figures would be one person's.
    where by_tool.active_developers >= {{ var('min_group_size') }}
)

select * from final

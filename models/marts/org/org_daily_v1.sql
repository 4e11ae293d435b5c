-- Organisation roll-up per day and tool for engineering managers: no developer-level row or identifier,
-- every row describes at least min_group_size developers, and no hidden row can be recovered from
-- org_team_monthly's totals (secondary suppression, macros/suppression.sql).
{%- set day_id = 'cast(by_tool.activity_date as ' ~ dbt.type_string() ~ ')' %}
with

daily as (
    select * from {{ ref('developer_daily', v=1) }}
),

weekly as (
    select * from {{ ref('developer_weekly', v=1) }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
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
),

team_months as (
    select
        {{ dbt.date_trunc('month', 'weekly.week_start') }} as month_start,
        {{ reported_team('weekly.team', 'team_sizes.is_reportable') }} as reported_team,
        weekly.developer_id
    from weekly
    left join team_sizes on weekly.team = team_sizes.team
),

small_team_months as (
    select
        month_start,
        reported_team
    from team_months
    group by month_start, reported_team
    having count(distinct developer_id) < {{ var('min_group_size') }}
),

hidden_team_months as (
    -- The people of each org_team_monthly row too small to be shown: figures hidden there too.
    select
        team_months.month_start as cell_group,
        {{ dbt.concat(["'team:'", 'team_months.reported_team']) }} as cell_id,
        team_months.developer_id,
        true as is_hidden
    from team_months
    inner join small_team_months
        on
            team_months.month_start = small_team_months.month_start
            and team_months.reported_team = small_team_months.reported_team
),

event_people as (
    -- Grouped by the month org_team_monthly files the day's week under: the total a subtraction uses.
    select distinct
        {{ dbt.date_trunc('month', dbt.date_trunc('week', 'event_date')) }} as cell_group,
        cast(event_date as {{ dbt.type_string() }}) as day_id,
        tool,
        developer_id
    from events
),

tool_day_people as (
    select
        cell_group,
        {{ dbt.concat(['day_id', "'|'", 'tool']) }} as cell_id,
        developer_id,
        false as is_hidden
    from event_people
    union all
    select * from hidden_team_months
),

day_people as (
    select distinct
        cell_group,
        day_id as cell_id,
        developer_id,
        false as is_hidden
    from event_people
    union all
    select * from hidden_team_months
),

tool_days_shown as (
    {{ secondary_suppression('tool_day_people') }}
),

days_shown as (
    {{ secondary_suppression('day_people') }}
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
        cast(case when not days_shown.is_hidden then sessions_by_day.sessions end as bigint) as sessions_all_tools,
        cast(
            case
                when by_tool.edits_accepted + by_tool.commits + by_tool.pull_requests > 0
                    then by_tool.cost_usd / (by_tool.edits_accepted + by_tool.commits + by_tool.pull_requests)
            end as double
        ) as cost_per_output_usd
    from by_tool
    inner join tool_days_shown
        on {{ dbt.concat([day_id, "'|'", 'by_tool.tool']) }} = tool_days_shown.cell_id
    left join days_shown on {{ day_id }} = days_shown.cell_id
    left join sessions_by_day on by_tool.activity_date = sessions_by_day.activity_date
    -- A day and tool of fewer developers, or whose figures a monthly total would give away, is not shown.
    where not tool_days_shown.is_hidden
)

select * from final

-- Team aggregates for team leads. A row describes at least min_group_size active members (teams under
-- that size never appear, nor weeks when fewer were active), and no figure is one person's own value:
-- the spread across members is a median, never a minimum or maximum (v1 showed those; see the changelog).
with

weekly as (
    select * from {{ ref('developer_weekly', v=1) }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
    where is_reportable
),

member_weeks as (
    select weekly.*
    from weekly
    inner join team_sizes on weekly.team = team_sizes.team
),

final as (
    select
        cast(member_weeks.team as {{ dbt.type_string() }}) as team,
        cast(member_weeks.week_start as date) as week_start,
        cast(min(team_sizes.members) as bigint) as members,
        cast(count(distinct member_weeks.developer_id) as bigint) as active_members,
        cast(count(distinct member_weeks.developer_id) * 1.0 / min(team_sizes.members) as double) as adoption_rate,
        cast(sum(member_weeks.sessions) as bigint) as sessions,
        cast(sum(member_weeks.sessions_succeeded) as bigint) as sessions_succeeded,
        cast(sum(member_weeks.prompts) as bigint) as prompts,
        cast(sum(member_weeks.total_tokens) as bigint) as total_tokens,
        cast(sum({{ money('member_weeks.cost_usd') }}) as double) as cost_usd,
        cast(sum(member_weeks.lines_added) as bigint) as lines_added,
        cast(sum(member_weeks.lines_removed) as bigint) as lines_removed,
        cast(sum(member_weeks.tool_calls) as bigint) as tool_calls,
        cast(sum(member_weeks.tool_failures) as bigint) as tool_failures,
        cast(sum(member_weeks.edits_accepted) as bigint) as edits_accepted,
        cast(sum(member_weeks.commits) as bigint) as commits,
        cast(sum(member_weeks.pull_requests) as bigint) as pull_requests,
        cast(
            case
                when sum(member_weeks.tool_calls) > 0
                    then sum(member_weeks.tool_failures) * 1.0 / sum(member_weeks.tool_calls)
            end as double
        ) as tool_error_rate,
        cast(
            case
                when sum(member_weeks.sessions) > 0
                    then sum(member_weeks.sessions_succeeded) * 1.0 / sum(member_weeks.sessions)
            end as double
        ) as session_success_rate,
        -- The distribution across members, not only the total: medians over at least min_group_size people.
        cast(median(member_weeks.sessions) as double) as member_sessions_median,
        cast(median(member_weeks.cost_usd) as double) as member_cost_usd_median
    from member_weeks
    inner join team_sizes on member_weeks.team = team_sizes.team
    group by member_weeks.team, member_weeks.week_start
    having count(distinct member_weeks.developer_id) >= {{ var('min_group_size') }}
)

select * from final

-- Cross-team comparison per month for engineering managers (teams under the minimum size are folded
-- into 'other teams' so no small group is identifiable).
with

weekly as (
    select * from {{ ref('developer_weekly', v=1) }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

labelled as (
    select
        weekly.*,
        {{ reported_team('weekly.team', 'team_sizes.is_reportable') }} as reported_team
    from weekly
    left join team_sizes on weekly.team = team_sizes.team
),

final as (
    select
        cast(reported_team as {{ dbt.type_string() }}) as team,
        cast({{ dbt.date_trunc('month', 'week_start') }} as date) as month_start,
        cast(count(distinct developer_id) as bigint) as active_developers,
        cast(sum(sessions) as bigint) as sessions,
        cast(sum(total_tokens) as bigint) as total_tokens,
        cast(sum({{ money('cost_usd') }}) as double) as cost_usd,
        cast(sum(commits) as bigint) as commits,
        cast(sum(pull_requests) as bigint) as pull_requests,
        cast(sum(lines_added) as bigint) as lines_added,
        cast(
            case when sum(sessions) > 0 then sum({{ money('cost_usd') }}) / sum(sessions) end as double
        ) as cost_per_session_usd,
        cast(
            case
                when sum(edits_accepted) + sum(commits) + sum(pull_requests) > 0
                    then sum({{ money('cost_usd') }}) / (sum(edits_accepted) + sum(commits) + sum(pull_requests))
            end as double
        ) as cost_per_output_usd,
        cast(case when sum(tool_calls) > 0 then sum(tool_failures) * 1.0 / sum(tool_calls) end as double)
            as tool_error_rate,
        cast(case when sum(sessions) > 0 then sum(sessions_succeeded) * 1.0 / sum(sessions) end as double)
            as session_success_rate
    from labelled
    group by reported_team, {{ dbt.date_trunc('month', 'week_start') }}
    -- A team (or 'other teams') with fewer active developers that month is not shown.
    having count(distinct developer_id) >= {{ var('min_group_size') }}
)

select * from final

-- Successful interaction patterns per team: which kinds of session succeed, how long they take and how
-- they use the assistant. Every cell describes at least min_group_size developers (smaller cells never
-- appear), so no cell is one person's sessions.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
    where is_reportable
),

final as (
    select
        cast(sessions.team as {{ dbt.type_string() }}) as team,
        cast({{ dbt.date_trunc('month', 'sessions.session_date') }} as date) as month_start,
        cast(sessions.task_type as {{ dbt.type_string() }}) as task_type,
        cast(count(*) as bigint) as sessions,
        cast(sum(case when sessions.outcome = 'succeeded' then 1 else 0 end) as bigint) as sessions_succeeded,
        cast(sum(case when sessions.outcome = 'succeeded' then 1 else 0 end) * 1.0 / count(*) as double)
            as session_success_rate,
        cast(median(sessions.duration_seconds) / 60.0 as double) as median_session_minutes,
        cast(median(sessions.prompts) as double) as median_prompts,
        cast(median(sessions.tool_calls) as double) as median_tool_calls,
        cast(sum(sessions.retries) * 1.0 / count(*) as double) as retries_per_session,
        cast(sum(sessions.tool_failures) * 1.0 / nullif(sum(sessions.tool_calls), 0) as double) as tool_error_rate
    from sessions
    inner join team_sizes on sessions.team = team_sizes.team
    group by sessions.team, {{ dbt.date_trunc('month', 'sessions.session_date') }}, sessions.task_type
    having count(distinct sessions.developer_id) >= {{ var('min_group_size') }}
)

select * from final

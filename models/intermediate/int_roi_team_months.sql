-- The ROI estimate per team, month and scenario (docs/roi.md): active hours of succeeded sessions, the hours
-- they saved in the scenario (seeds/roi_method.csv), their value at var roi_loaded_cost_per_hour_usd, and
-- what the tools cost (usage and the seats the team pays for). Teams under the minimum size are folded into
-- 'other teams', as in org_team_monthly.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

method as (
    select * from {{ ref('roi_method') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
    where is_in_directory
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

months as (
    select distinct cast({{ dbt.date_trunc('month', 'session_date') }} as date) as month_start
    from sessions
),

session_savings as (
    select
        developers.team,
        sessions.developer_id,
        sessions.cost_usd,
        cast({{ dbt.date_trunc('month', 'sessions.session_date') }} as date) as month_start,
        case when sessions.outcome = 'succeeded' then 1 else 0 end as succeeded,
        -- Seconds and ratios as exact decimals, so every sum is the same whatever order rows are added in.
        case when sessions.outcome = 'succeeded' then sessions.active_seconds else 0 end as assisted_seconds,
        -- A task type the method does not list saves nothing.
        cast(coalesce(method.ratio_low, 1) as decimal(9, 4)) as ratio_low,
        cast(coalesce(method.ratio_central, 1) as decimal(9, 4)) as ratio_central,
        cast(coalesce(method.ratio_high, 1) as decimal(9, 4)) as ratio_high,
        method.method_version
    from sessions
    inner join developers on sessions.developer_id = developers.developer_id
    left join method on sessions.task_type = method.task_type
),

scenario_hours as (
    select
        *,
        assisted_seconds * (ratio_low - 1) as seconds_saved_low,
        assisted_seconds * (ratio_central - 1) as seconds_saved_central,
        assisted_seconds * (ratio_high - 1) as seconds_saved_high
    from session_savings
),

usage_months as (
    select
        team,
        month_start,
        count(distinct developer_id) as active_developers,
        sum(succeeded) as sessions_succeeded,
        sum(assisted_seconds) as assisted_seconds,
        sum(seconds_saved_low) as seconds_saved_low,
        sum(seconds_saved_central) as seconds_saved_central,
        sum(seconds_saved_high) as seconds_saved_high,
        sum({{ money('cost_usd') }}) as usage_cost_usd,
        max(method_version) as method_version
    from scenario_hours
    group by team, month_start
),

seat_months as (
    select
        developers.team,
        months.month_start,
        sum({{ money('coalesce(developers.seat_monthly_cost_usd, 0)') }}) as seat_cost_usd
    from developers
    cross join months
    group by developers.team, months.month_start
),

folded as (
    select
        {{ reported_team('usage_months.team', 'team_sizes.is_reportable') }} as team,
        usage_months.month_start,
        sum(usage_months.active_developers) as active_developers,
        sum(usage_months.sessions_succeeded) as sessions_succeeded,
        sum(usage_months.assisted_seconds) as assisted_seconds,
        sum(usage_months.seconds_saved_low) as seconds_saved_low,
        sum(usage_months.seconds_saved_central) as seconds_saved_central,
        sum(usage_months.seconds_saved_high) as seconds_saved_high,
        sum(usage_months.usage_cost_usd) as usage_cost_usd,
        sum(seat_months.seat_cost_usd) as seat_cost_usd,
        max(usage_months.method_version) as method_version
    from usage_months
    inner join team_sizes on usage_months.team = team_sizes.team
    left join seat_months
        on usage_months.team = seat_months.team and usage_months.month_start = seat_months.month_start
    group by {{ reported_team('usage_months.team', 'team_sizes.is_reportable') }}, usage_months.month_start
),

scenarios as (
    select 'low' as scenario
    union all
    select 'central' as scenario
    union all
    select 'high' as scenario
),

by_scenario as (
    select
        folded.team,
        folded.month_start,
        scenarios.scenario,
        folded.method_version,
        folded.active_developers,
        folded.sessions_succeeded,
        folded.usage_cost_usd,
        folded.seat_cost_usd,
        -- Ratios as doubles from the exact sums: Spark's decimal division keeps only 6 decimal places.
        cast(folded.assisted_seconds as double) / 3600.0 as assisted_hours,
        cast(case scenarios.scenario
            when 'low' then folded.seconds_saved_low
            when 'central' then folded.seconds_saved_central
            else folded.seconds_saved_high
        end as double) / 3600.0 as hours_saved,
        folded.usage_cost_usd + folded.seat_cost_usd as tool_cost_usd
    from folded
    cross join scenarios
),

final as (
    select
        *,
        hours_saved * {{ var('roi_loaded_cost_per_hour_usd') }} as value_usd
    from by_scenario
)

select * from final

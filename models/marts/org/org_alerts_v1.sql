-- Alerts for engineering managers, from the org file's own marts (so they keep its privacy): thresholds,
-- the catalog's targets missed by a team or seat type in a month; anomalies, a day's cost, adoption, sessions
-- or cost per output far from the same weekday's previous values (macros/alerts.sql).
{#- Each alert's drill-down: the mart row behind it, as mart:column=value,... -#}
{%- set text = dbt.type_string() %}
{%- set day = "cast(activity_date as " ~ text ~ ")" %}
{%- set month = "cast(month_start as " ~ text ~ ")" %}
{%- set daily_row = dbt.concat(["'org_daily_v1:activity_date='", day, "',tool='", "tool"]) %}
{%- set day_row = dbt.concat(["'org_daily_v1:activity_date='", day]) %}
{%- set team_row = dbt.concat(["'org_team_monthly_v1:team='", "team", "',month_start='", month]) %}
{%- set seat_row = dbt.concat(["'licence_utilisation_v1:licence_seat='", "licence_seat", "',month_start='", month]) %}
with

daily as (
    select * from {{ ref('org_daily', v=1) }}
),

team_months as (
    select * from {{ ref('org_team_monthly', v=1) }}
),

licences as (
    select * from {{ ref('licence_utilisation', v=1) }}
),

days as (
    -- The org's sessions per day (every tool), and the developers they come from.
    select
        activity_date,
        max(sessions_all_tools) as sessions_all_tools,
        sum(active_developers) as active_developers
    from daily
    group by activity_date
),

daily_series as (
    select
        'cost_usd' as metric,
        'tool' as segment_type,
        tool as segment_value,
        activity_date as period_start,
        cost_usd as observed,
        active_developers as people,
        {{ daily_row }} as drilldown
    from daily
    union all
    select
        'active_developers' as metric,
        'tool' as segment_type,
        tool as segment_value,
        activity_date as period_start,
        cast(active_developers as double) as observed,
        active_developers as people,
        {{ daily_row }} as drilldown
    from daily
    union all
    select
        'cost_per_output_usd' as metric,
        'tool' as segment_type,
        tool as segment_value,
        activity_date as period_start,
        cost_per_output_usd as observed,
        active_developers as people,
        {{ daily_row }} as drilldown
    from daily
    union all
    select
        'sessions' as metric,
        'org' as segment_type,
        'all' as segment_value,
        activity_date as period_start,
        cast(sessions_all_tools as double) as observed,
        active_developers as people,
        {{ day_row }} as drilldown
    from days
),

observations as (
    select
        'session_success_rate' as metric,
        'team' as segment_type,
        team as segment_value,
        month_start as period_start,
        session_success_rate as observed,
        {{ team_row }} as drilldown
    from team_months
    union all
    select
        'tool_error_rate' as metric,
        'team' as segment_type,
        team as segment_value,
        month_start as period_start,
        tool_error_rate as observed,
        {{ team_row }} as drilldown
    from team_months
    union all
    select
        'cost_per_output_usd' as metric,
        'team' as segment_type,
        team as segment_value,
        month_start as period_start,
        cost_per_output_usd as observed,
        {{ team_row }} as drilldown
    from team_months
    union all
    select
        'licence_utilisation_rate' as metric,
        'licence_seat' as segment_type,
        licence_seat as segment_value,
        month_start as period_start,
        utilisation_rate as observed,
        {{ seat_row }} as drilldown
    from licences
),

anomalies as (
    {{ anomaly_alerts(
        'daily_series',
        counts=['active_developers', 'sessions'],
        people='people',
        multiplicative=['cost_per_output_usd'],
    ) }}
),

thresholds as (
    {{ threshold_alerts('observations') }}
),

alerts as (
    select * from anomalies
    union all
    select * from thresholds
),

final as (
    select
        {{ alert_columns() }}
    from alerts
)

select * from final

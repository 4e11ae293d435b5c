-- Alerts for team leads, from team_weekly (so a team's alerts describe at least min_group_size active
-- members, like its rows): a week that missed the catalog's session success or tool error target, and a
-- week's sessions or cost far from the team's previous weeks (macros/alerts.sql).
{%- set text = dbt.type_string() %}
{%- set week_row = dbt.concat([
    "'team_weekly_v2:team='", 'team', "',week_start='", 'cast(week_start as ' ~ text ~ ')'
]) %}
with

weekly as (
    select * from {{ ref('team_weekly', v=2) }}
),

observations as (
    select
        'session_success_rate' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        session_success_rate as observed,
        {{ week_row }} as drilldown
    from weekly
    union all
    select
        'tool_error_rate' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        tool_error_rate as observed,
        {{ week_row }} as drilldown
    from weekly
),

weekly_series as (
    select
        'sessions' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        cast(sessions as double) as observed,
        {{ week_row }} as drilldown
    from weekly
    union all
    select
        'cost_usd' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        cost_usd as observed,
        {{ week_row }} as drilldown
    from weekly
),

thresholds as (
    {{ threshold_alerts('observations') }}
),

anomalies as (
    {{ anomaly_alerts('weekly_series') }}
),

alerts as (
    select * from thresholds
    union all
    select * from anomalies
),

final as (
    select
        {{ alert_columns('team') }}
    from alerts
)

select * from final

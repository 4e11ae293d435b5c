-- Alerts for team leads, from team_weekly (so a team's alerts describe at least min_group_size active
-- members, like its rows): a week that missed the catalog's session success or tool error target (threshold),
-- three weeks running the wrong way on them (trend), a week's sessions or cost far from the team's previous
-- weeks (anomaly), and accepted edits falling while tokens rise (correlation); macros/alerts.sql.
{%- set text = dbt.type_string() %}
{%- set week_row = dbt.concat([
    "'team_weekly_v2:team='", 'team', "',week_start='", 'cast(week_start as ' ~ text ~ ')'
]) %}
with

team_weekly as (
    select * from {{ ref('team_weekly', v=2) }}
),

weekly as (
    {{ whole_weeks('team_weekly', 'week_start') }}
),

rates as (
    -- The targeted rates, with the counts they come from: a trend must be more than a small team's chance.
    select
        'session_success_rate' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        session_success_rate as observed,
        sessions_succeeded as numerator,
        sessions as denominator,
        {{ week_row }} as drilldown
    from weekly
    union all
    select
        'tool_error_rate' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        tool_error_rate as observed,
        tool_failures as numerator,
        tool_calls as denominator,
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
        active_members as people,
        {{ week_row }} as drilldown
    from weekly
    union all
    select
        'cost_usd' as metric,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        cost_usd as observed,
        active_members as people,
        {{ week_row }} as drilldown
    from weekly
),

pairs as (
    -- Accepted edits falling while tokens rise: effort that stopped turning into kept work.
    select
        'edits_accepted' as metric,
        'total_tokens' as partner,
        'team' as segment_type,
        team as segment_value,
        week_start as period_start,
        cast(edits_accepted as double) as observed,
        cast(total_tokens as double) as partner_observed,
        {{ week_row }} as drilldown
    from weekly
),

thresholds as (
    {{ threshold_alerts('rates') }}
),

trends as (
    {{ trend_alerts('rates', 7) }}
),

correlations as (
    {{ correlation_alerts('pairs') }}
),

anomalies as (
    {{ anomaly_alerts('weekly_series', counts=['sessions'], people='people') }}
),

alerts as (
    select * from thresholds
    union all
    select * from trends
    union all
    select * from anomalies
    union all
    select * from correlations
),

final as (
    select
        {{ alert_columns('team') }}
    from alerts
)

select * from final

-- Alerts for product research, from feature_usage_weekly and milestone_timing (anonymised groups of at least
-- min_group_size): a feature's week above the catalog's failure rate target (threshold), a feature's weekly
-- uses far from its previous weeks (anomaly), a cohort far slower than the others to a milestone (milestone);
-- macros/alerts.sql.
{%- set text = dbt.type_string() %}
{%- set usage_row = dbt.concat([
    "'feature_usage_weekly_v1:week_start='", 'cast(week_start as ' ~ text ~ ')', "',tool='", 'tool',
    "',event_name='", 'event_name', "',feature='", 'feature'
]) %}
{%- set tool_row = dbt.concat([
    "'feature_usage_weekly_v1:week_start='", 'cast(week_start as ' ~ text ~ ')', "',tool='", 'tool',
    "',feature='", 'feature'
]) %}
with

feature_usage_weekly as (
    select * from {{ ref('feature_usage_weekly', v=1) }}
),

usage as (
    {{ whole_weeks('feature_usage_weekly', 'week_start') }}
),

milestone_timing as (
    select * from {{ ref('milestone_timing', v=1) }}
),

timings as (
    -- Each cohort's median days from its first milestone to each later one.
    select
        'days_to_milestone' as metric,
        'milestone' as segment_type,
        milestone as segment_value,
        cohort_week as period_start,
        median_days_to_reach as observed,
        {{ dbt.concat([
            "'milestone_timing_v1:cohort_week='", 'cast(cohort_week as ' ~ text ~ ')', "',milestone='", 'milestone'
        ]) }} as drilldown
    from milestone_timing
    where milestone_order > 1
),

observations as (
    -- A tool's calls in a week, failed and succeeded together (the rows shown).
    select
        'feature_failure_rate' as metric,
        'feature' as segment_type,
        {{ dbt.concat(['tool', "' '", 'feature']) }} as segment_value,
        week_start as period_start,
        sum(uses * failure_rate) / sum(uses) as observed,
        {{ tool_row }} as drilldown
    from usage
    where event_name in ('tool_call_failed', 'tool_call_succeeded')
    group by week_start, tool, feature
),

weekly_series as (
    select
        'feature_uses' as metric,
        'feature' as segment_type,
        {{ dbt.concat(['tool', "' '", 'event_name', "' '", 'feature']) }} as segment_value,
        week_start as period_start,
        cast(uses as double) as observed,
        developers as people,
        {{ usage_row }} as drilldown
    from usage
),

thresholds as (
    {{ threshold_alerts('observations') }}
),

milestones as (
    {{ milestone_alerts('timings') }}
),

anomalies as (
    {{ anomaly_alerts('weekly_series', counts=['feature_uses'], people='people') }}
),

alerts as (
    select * from thresholds
    union all
    select * from anomalies
    union all
    select * from milestones
),

final as (
    select
        {{ alert_columns() }}
    from alerts
)

select * from final

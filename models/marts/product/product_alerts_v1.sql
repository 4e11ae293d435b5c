-- Alerts for product research, from feature_usage_weekly (anonymised groups of at least min_group_size): a
-- feature's week above the catalog's failure rate target, and a feature's weekly uses far from its previous
-- weeks (macros/alerts.sql).
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

anomalies as (
    {{ anomaly_alerts('weekly_series', counts=['feature_uses'], people='people') }}
),

alerts as (
    select * from thresholds
    union all
    select * from anomalies
),

final as (
    select
        {{ alert_columns() }}
    from alerts
)

select * from final

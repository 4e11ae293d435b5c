-- Alerts for the platform team, from the platform file's marts: a load batch that quarantined more than
-- the target share of its rows, and a source whose newest record was further behind at load than the target.
with

batches as (
    select * from {{ ref('pipeline_health', v=1) }}
),

freshness as (
    select * from {{ ref('source_freshness', v=1) }}
),

observations as (
    select
        'quarantine_rate' as metric,
        'batch' as segment_type,
        batch_id as segment_value,
        cast(started_at as date) as period_start,
        quarantine_rate as observed,
        {{ dbt.concat(["'pipeline_health_v1:batch_id='", 'batch_id']) }} as drilldown
    from batches
    union all
    select
        'hours_behind_at_load' as metric,
        'landing_source' as segment_type,
        landing_source as segment_value,
        cast(last_loaded_at as date) as period_start,
        hours_behind_at_load as observed,
        {{ dbt.concat(["'source_freshness_v1:landing_source='", 'landing_source']) }} as drilldown
    from freshness
),

alerts as (
    {{ threshold_alerts('observations') }}
),

final as (
    select
        {{ alert_columns() }}
    from alerts
)

select * from final

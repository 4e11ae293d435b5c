-- One row per UTC day: MetricFlow's time spine, for metric_time and cumulative metrics.
with

days as (
    {{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2036-01-01' as date)") }}
),

final as (
    select cast(days.date_day as date) as date_day
    from days
)

select * from final

-- One row per UTC day: MetricFlow's time spine, for metric_time and cumulative metrics.
{#- A view: it reads nothing but the project, so a build of the same project leaves it as it is (a table was
    rebuilt by every build, 0.3 s), and its 5,844 days take milliseconds to compute when MetricFlow reads them. -#}
{{ config(materialized='view') }}

with

days as (
    {{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2036-01-01' as date)") }}
),

final as (
    select cast(days.date_day as date) as date_day
    from days
)

select * from final

-- Paid seats and whether they were used, per month and seat type; no developer-level row.
with

developers as (
    select * from {{ ref('int_developers_enriched') }}
    where is_in_directory
),

events as (
    select * from {{ ref('fct_events') }}
),

months as (
    select distinct cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start
    from events
),

usage as (
    select distinct
        developer_id,
        tool,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start
    from events
),

seat_months as (
    select
        months.month_start,
        developers.developer_id,
        developers.licence_seat,
        developers.seat_monthly_cost_usd,
        exists(
            select 1 from usage
            where
                usage.developer_id = developers.developer_id
                and usage.month_start = months.month_start
                and (developers.licence_seat = 'both' or usage.tool = developers.licence_seat)
        ) as is_used
    from months
    cross join developers
),

final as (
    select
        cast(month_start as date) as month_start,
        cast(licence_seat as {{ dbt.type_string() }}) as licence_seat,
        cast(count(*) as bigint) as seats,
        cast(sum(case when is_used then 1 else 0 end) as bigint) as seats_used,
        cast(sum(case when is_used then 0 else 1 end) as bigint) as seats_unused,
        cast(sum(seat_monthly_cost_usd) as double) as paid_usd,
        cast(sum(case when is_used then 0 else seat_monthly_cost_usd end) as double) as unused_paid_usd,
        cast(sum(case when is_used then 1 else 0 end) * 1.0 / count(*) as double) as utilisation_rate
    from seat_months
    group by month_start, licence_seat
)

select * from final

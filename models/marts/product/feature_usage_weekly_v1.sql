-- Which features and tools are used, per week: anonymised aggregates of at least the minimum group size.
with

events as (
    select * from {{ ref('fct_events') }}
),

features as (
    select
        tool,
        event_name,
        developer_id,
        quantity,
        outcome,
        coalesce(tool_name, model_name, 'n/a') as feature,
        cast({{ dbt.date_trunc('week', 'event_date') }} as date) as week_start
    from events
),

final as (
    select
        cast(week_start as date) as week_start,
        cast(tool as {{ dbt.type_string() }}) as tool,
        cast(event_name as {{ dbt.type_string() }}) as event_name,
        cast(feature as {{ dbt.type_string() }}) as feature,
        cast(sum(quantity) as bigint) as uses,
        cast(count(distinct developer_id) as bigint) as developers,
        cast(sum(case when outcome = 'error' then quantity else 0 end) * 1.0 / sum(quantity) as double)
            as failure_rate
    from features
    group by week_start, tool, event_name, feature
    having count(distinct developer_id) >= {{ var('min_group_size') }}
)

select * from final

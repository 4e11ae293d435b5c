-- Where developers stall in the value stream, overall and by persona: a row is shown when at least
-- min_group_size developers wait there. The median wait only (a maximum is one developer's).
with

stalls as (
    select * from {{ ref('milestone_stalls') }}
    where segment_type in ('overall', 'persona')
),

final as (
    select
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(stalled_after as {{ dbt.type_string() }}) as stalled_after,
        cast(waiting_for as {{ dbt.type_string() }}) as waiting_for,
        cast(waiting_for_order as integer) as waiting_for_order,
        cast(developers as bigint) as developers,
        cast(median_days_waiting as double) as median_days_waiting
    from stalls
    where developers >= {{ var('min_group_size') }}
)

select * from final

-- The funnel through the value-stream milestones for product research, overall and by persona, tool mix and
-- cohort week (no team, no developer): a step is shown when at least min_group_size developers reached it.
with

funnel as (
    select * from {{ ref('milestone_funnel') }}
    where segment_type in ('overall', 'persona', 'tool', 'cohort_week')
),

final as (
    select
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(milestone as {{ dbt.type_string() }}) as milestone,
        cast(milestone_order as integer) as milestone_order,
        cast(developers_reached as bigint) as developers_reached,
        cast(developers_started as bigint) as developers_started,
        cast(step_conversion as double) as step_conversion,
        cast(overall_conversion as double) as overall_conversion
    from funnel
    where developers_reached >= {{ var('min_group_size') }}
)

select * from final

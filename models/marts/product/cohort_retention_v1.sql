-- Retention of weekly adoption cohorts (week of first activity), time-based and behavioural (an accepted AI
-- edit in the first week or not), for a cohort heat map: a cell is shown when its cohort and its active
-- developers are each at least min_group_size.
with

cohorts as (
    select * from {{ ref('adoption_cohorts') }}
),

final as (
    select
        cast(cohort_week as date) as cohort_week,
        cast(behavioural_cohort as {{ dbt.type_string() }}) as behavioural_cohort,
        cast(weeks_since_start as integer) as weeks_since_start,
        cast(cohort_size as bigint) as cohort_size,
        cast(active_developers as bigint) as active_developers,
        cast(retention_rate as double) as retention_rate
    from cohorts
    where cohort_size >= {{ var('min_group_size') }} and active_developers >= {{ var('min_group_size') }}
)

select * from final

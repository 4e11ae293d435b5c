-- How long each weekly adoption cohort took to reach each value-stream milestone, for product research: the
-- median days from a developer's first milestone and from the one before, over the developers of the cohort
-- who reached it. A cell fewer than min_group_size developers reached is not shown; a median is no one's value.
with

reached as (
    select * from {{ ref('developer_milestones') }}
),

cohorts as (
    select
        cohort_week,
        milestone,
        milestone_order,
        count(distinct developer_id) as developers_reached,
        median(days_to_reach) as median_days_to_reach,
        median(days_since_previous_milestone) as median_days_since_previous
    from reached
    group by cohort_week, milestone, milestone_order
),

final as (
    select
        cast(cohort_week as date) as cohort_week,
        cast(milestone as {{ dbt.type_string() }}) as milestone,
        cast(milestone_order as integer) as milestone_order,
        cast(developers_reached as bigint) as developers_reached,
        cast(median_days_to_reach as double) as median_days_to_reach,
        cast(median_days_since_previous as double) as median_days_since_previous
    from cohorts
    where developers_reached >= {{ var('min_group_size') }}
)

select * from final

-- Weekly adoption cohorts (week of first session) and their retention curve, plus a behavioural cohort:
-- developers whose first week included an accepted AI edit versus those whose did not.
with

-- Read where it is used: held whole for its several readers, every event was copied (its query at 5M
-- transcript lines 0.10 -> 0.06 s).
events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

activity_weeks as (
    select distinct
        developer_id,
        cast({{ dbt.date_trunc('week', 'event_date') }} as date) as activity_week
    from events
),

cohorts as (
    select
        developer_id,
        min(activity_week) as cohort_week
    from activity_weeks
    group by developer_id
),

first_week_edits as (
    select distinct events.developer_id
    from events
    inner join cohorts
        on
            events.developer_id = cohorts.developer_id
            and cast({{ dbt.date_trunc('week', 'events.event_date') }} as date) = cohorts.cohort_week
    where events.event_name = 'edit_accepted'
),

labelled as (
    select
        activity_weeks.developer_id,
        activity_weeks.activity_week,
        cohorts.cohort_week,
        case
            when first_week_edits.developer_id is not null then 'accepted_edit_in_first_week'
            else 'no_accepted_edit_in_first_week'
        end as behavioural_cohort,
        cast(
            round({{ seconds_between('cohorts.cohort_week', 'activity_weeks.activity_week') }} / 604800.0) as integer
        ) as weeks_since_start
    from activity_weeks
    inner join cohorts on activity_weeks.developer_id = cohorts.developer_id
    left join first_week_edits on activity_weeks.developer_id = first_week_edits.developer_id
),

sizes as (
    select
        cohort_week,
        behavioural_cohort,
        count(distinct developer_id) as cohort_size
    from labelled
    group by cohort_week, behavioural_cohort
),

final as (
    select
        labelled.cohort_week,
        labelled.behavioural_cohort,
        labelled.weeks_since_start,
        sizes.cohort_size,
        count(distinct labelled.developer_id) as active_developers,
        count(distinct labelled.developer_id) * 1.0 / sizes.cohort_size as retention_rate
    from labelled
    inner join sizes
        on labelled.cohort_week = sizes.cohort_week and labelled.behavioural_cohort = sizes.behavioural_cohort
    group by labelled.cohort_week, labelled.behavioural_cohort, labelled.weeks_since_start, sizes.cohort_size
)

select * from final

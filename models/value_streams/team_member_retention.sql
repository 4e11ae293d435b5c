-- Retention per team: of the members who started (their first active week), how many were active N weeks
-- later, all start weeks pooled (a team's weekly cohorts are too small to show alone); for all members
-- (time-based) and split by a behavioural cohort: an accepted AI edit in the first week or not.
with

cohorts as (
    select * from {{ ref('adoption_cohorts') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

-- Read where it is used: held whole for its several readers, every event was copied (its query at 5M
-- transcript lines 0.19 -> 0.10 s).
events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

activity_weeks as (
    select distinct
        events.developer_id,
        developers.team,
        cast({{ dbt.date_trunc('week', 'events.event_date') }} as date) as activity_week
    from events
    inner join developers on events.developer_id = developers.developer_id
    where developers.is_in_directory
),

starts as (
    select
        developer_id,
        team,
        min(activity_week) as start_week
    from activity_weeks
    group by developer_id, team
),

first_week_edits as (
    select distinct events.developer_id
    from events
    inner join starts
        on
            events.developer_id = starts.developer_id
            and cast({{ dbt.date_trunc('week', 'events.event_date') }} as date) = starts.start_week
    where events.event_name = 'edit_accepted'
),

cohorts_of as (
    -- Every member is in 'all' and in one behavioural cohort.
    select
        developer_id,
        'all' as behavioural_cohort
    from starts
    union all
    select
        starts.developer_id,
        case
            when first_week_edits.developer_id is not null then 'accepted_edit_in_first_week'
            else 'no_accepted_edit_in_first_week'
        end as behavioural_cohort
    from starts
    left join first_week_edits on starts.developer_id = first_week_edits.developer_id
),

as_of as (
    select max(activity_week) as last_week from activity_weeks
),

weeks as (
    select distinct weeks_since_start from cohorts
),

eligible as (
    -- A member counts at N weeks once N weeks have passed since their start.
    select
        starts.developer_id,
        starts.team,
        starts.start_week,
        cohorts_of.behavioural_cohort,
        weeks.weeks_since_start
    from starts
    inner join cohorts_of on starts.developer_id = cohorts_of.developer_id
    cross join as_of
    inner join weeks
        on {{ dbt.dateadd('day', '7 * weeks.weeks_since_start', 'starts.start_week') }} <= as_of.last_week
),

final as (
    select
        eligible.team,
        eligible.behavioural_cohort,
        eligible.weeks_since_start,
        count(distinct eligible.developer_id) as members_started,
        count(distinct activity_weeks.developer_id) as members_active,
        count(distinct activity_weeks.developer_id) * 1.0 / count(distinct eligible.developer_id) as retention_rate
    from eligible
    left join activity_weeks
        on
            eligible.developer_id = activity_weeks.developer_id
            and activity_weeks.activity_week
            = {{ dbt.dateadd('day', '7 * eligible.weeks_since_start', 'eligible.start_week') }}
    group by eligible.team, eligible.behavioural_cohort, eligible.weeks_since_start
)

select * from final

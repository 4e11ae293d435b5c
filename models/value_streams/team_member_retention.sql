-- Retention per team, time-based: of the members who started (their first active week), how many were
-- active N weeks later, all start weeks pooled (a team's weekly cohorts are too small to show alone).
with

cohorts as (
    select * from {{ ref('adoption_cohorts') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

events as (
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
        weeks.weeks_since_start
    from starts
    cross join as_of
    inner join weeks
        on {{ dbt.dateadd('day', '7 * weeks.weeks_since_start', 'starts.start_week') }} <= as_of.last_week
),

final as (
    select
        eligible.team,
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
    group by eligible.team, eligible.weeks_since_start
)

select * from final

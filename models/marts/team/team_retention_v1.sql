-- The team's retention N weeks after each member's start, all start weeks pooled, for all members and by
-- behavioural cohort: shown for reportable teams when at least min_group_size members started that long ago
-- and at least as many were active then. The two behavioural cohorts are shown together or not at all (one
-- alone, taken from 'all', would give the other away).
with

retention as (
    select * from {{ ref('team_member_retention') }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

shown_cells as (
    select
        retention.team,
        retention.behavioural_cohort,
        retention.weeks_since_start
    from retention
    inner join team_sizes on retention.team = team_sizes.team
    where
        team_sizes.is_reportable
        and retention.members_started >= {{ var('min_group_size') }}
        and retention.members_active >= {{ var('min_group_size') }}
),

complete_splits as (
    select
        team,
        weeks_since_start
    from shown_cells
    where behavioural_cohort != 'all'
    group by team, weeks_since_start
    having count(*) = 2
),

final as (
    select
        cast(retention.team as {{ dbt.type_string() }}) as team,
        cast(retention.behavioural_cohort as {{ dbt.type_string() }}) as behavioural_cohort,
        cast(retention.weeks_since_start as integer) as weeks_since_start,
        cast(retention.members_started as bigint) as members_started,
        cast(retention.members_active as bigint) as members_active,
        cast(retention.retention_rate as double) as retention_rate
    from retention
    inner join shown_cells
        on
            retention.team = shown_cells.team
            and retention.behavioural_cohort = shown_cells.behavioural_cohort
            and retention.weeks_since_start = shown_cells.weeks_since_start
    left join complete_splits
        on retention.team = complete_splits.team and retention.weeks_since_start = complete_splits.weeks_since_start
    where retention.behavioural_cohort = 'all' or complete_splits.team is not null
)

select * from final

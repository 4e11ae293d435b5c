-- The team's adoption milestones (each reached by at least min_group_size members), for reportable teams.
with

milestones as (
    select * from {{ ref('team_adoption_milestones') }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

final as (
    select
        cast(milestones.team as {{ dbt.type_string() }}) as team,
        cast(milestones.milestone as {{ dbt.type_string() }}) as milestone,
        cast(milestones.milestone_order as integer) as milestone_order,
        cast(milestones.reached_on as date) as reached_on,
        cast(milestones.members as bigint) as members,
        cast(milestones.days_since_first_active_week as integer) as days_since_first_active_week
    from milestones
    inner join team_sizes on milestones.team = team_sizes.team
    where team_sizes.is_reportable
)

select * from final

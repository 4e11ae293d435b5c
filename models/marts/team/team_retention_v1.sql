-- The team's retention N weeks after each member's start, all start weeks pooled: shown for reportable teams
-- when at least min_group_size members started that long ago and at least as many were active then.
with

retention as (
    select * from {{ ref('team_member_retention') }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

final as (
    select
        cast(retention.team as {{ dbt.type_string() }}) as team,
        cast(retention.weeks_since_start as integer) as weeks_since_start,
        cast(retention.members_started as bigint) as members_started,
        cast(retention.members_active as bigint) as members_active,
        cast(retention.retention_rate as double) as retention_rate
    from retention
    inner join team_sizes on retention.team = team_sizes.team
    where
        team_sizes.is_reportable
        and retention.members_started >= {{ var('min_group_size') }}
        and retention.members_active >= {{ var('min_group_size') }}
)

select * from final

-- Every reportable team's adoption milestones side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_adoption', v=1) }}
),

final as (
    select
        team,
        milestone,
        milestone_order,
        reached_on,
        members,
        days_since_first_active_week
    from team_rows
)

select * from final

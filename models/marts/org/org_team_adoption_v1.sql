-- Every reportable team's adoption milestones side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_adoption', v=1) }}
)

select * from team_rows

-- Every reportable team's milestone funnel side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_milestone_funnel', v=1) }}
)

select * from team_rows

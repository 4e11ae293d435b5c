-- Every reportable team's retention side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_retention', v=1) }}
)

select * from team_rows

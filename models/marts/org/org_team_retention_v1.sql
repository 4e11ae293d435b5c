-- Every reportable team's retention side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_retention', v=1) }}
),

final as (
    select
        team,
        behavioural_cohort,
        weeks_since_start,
        members_started,
        members_active,
        retention_rate
    from team_rows
)

select * from final

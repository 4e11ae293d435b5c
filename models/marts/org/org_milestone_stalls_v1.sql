-- Every reportable team's stall points side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_milestone_stalls', v=1) }}
),

final as (
    select
        team,
        stalled_after,
        waiting_for,
        waiting_for_order,
        developers,
        median_days_waiting
    from team_rows
)

select * from final

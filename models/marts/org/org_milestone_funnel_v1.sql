-- Every reportable team's milestone funnel side by side for engineering managers: the team files' rows.
with

team_rows as (
    select * from {{ ref('team_milestone_funnel', v=1) }}
),

final as (
    select
        team,
        milestone,
        milestone_order,
        developers_reached,
        developers_started,
        step_conversion,
        overall_conversion,
        median_days_to_reach,
        median_days_since_previous
    from team_rows
)

select * from final

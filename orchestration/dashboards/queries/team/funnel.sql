select
    milestone_order,
    milestone,
    developers_reached,
    developers_started,
    step_conversion,
    overall_conversion,
    median_days_to_reach,
    median_days_since_previous
from team_milestone_funnel
order by milestone_order

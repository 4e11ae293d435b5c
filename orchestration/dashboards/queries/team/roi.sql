select
    team,
    strftime(month_start, '%Y-%m') as month,
    scenario,
    active_developers,
    assisted_hours,
    estimated_hours_saved,
    estimated_value_usd,
    tool_cost_usd,
    estimated_roi,
    estimation_method
from team_roi_monthly
order by month, team, scenario

select
    team,
    month_start,
    active_developers,
    sessions,
    cost_usd,
    cost_per_output_usd,
    cost_per_session_usd,
    session_success_rate,
    tool_error_rate
from org_team_monthly
order by month_start, team

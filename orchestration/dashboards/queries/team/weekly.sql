select
    week_start,
    active_members,
    adoption_rate,
    sessions,
    session_success_rate,
    tool_error_rate,
    cost_usd,
    member_sessions_median,
    member_cost_usd_median
from team_weekly
order by week_start

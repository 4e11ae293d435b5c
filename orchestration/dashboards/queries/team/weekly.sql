select
    week_start,
    members,
    active_members,
    adoption_rate,
    sessions,
    sessions_succeeded,
    session_success_rate,
    tool_error_rate,
    cost_usd,
    edits_accepted,
    commits,
    pull_requests,
    member_sessions_median,
    member_cost_usd_median
from team_weekly
order by week_start

select
    week_start,
    sessions,
    sessions_succeeded * 1.0 / nullif(sessions, 0) as session_success_rate,
    cost_usd,
    active_minutes
from developer_weekly
order by week_start

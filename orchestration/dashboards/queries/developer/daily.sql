select
    activity_date,
    sessions,
    total_tokens,
    cost_usd,
    edits_accepted,
    active_minutes,
    tool_error_rate
from developer_daily
order by activity_date

select
    activity_date,
    started_at,
    tool,
    task_type,
    outcome,
    duration_minutes,
    active_minutes,
    prompts,
    tool_calls,
    total_tokens,
    cost_usd
from developer_sessions
order by started_at desc

select
    developer_id,
    week_start,
    sessions,
    sessions_succeeded,
    prompts,
    total_tokens,
    cost_usd,
    edits_accepted,
    commits,
    active_minutes
from team_member_weekly
order by developer_id, week_start

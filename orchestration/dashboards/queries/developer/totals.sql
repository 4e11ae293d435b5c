select
    count(*) as active_days,
    sum(sessions) as sessions,
    sum(total_tokens) as total_tokens,
    sum(cost_usd) as cost_usd,
    sum(edits_accepted) as edits_accepted,
    sum(commits) as commits
from developer_daily

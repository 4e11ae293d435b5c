select
    activity_date,
    tool,
    active_developers,
    cost_usd,
    cost_per_output_usd,
    edits_accepted + commits + pull_requests as outputs
from org_daily
order by activity_date, tool

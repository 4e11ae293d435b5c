select
    sum(cost_usd) as cost_usd,
    sum(edits_accepted + commits + pull_requests) as outputs,
    sum(cost_usd) / nullif(sum(edits_accepted + commits + pull_requests), 0) as cost_per_output_usd,
    sum(cost_above_reference_usd) as cost_above_reference_usd
from org_daily

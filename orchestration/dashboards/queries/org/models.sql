select
    strftime(month_start, '%Y-%m') as month,
    tool,
    model_name,
    api_responses,
    active_developers,
    total_tokens,
    cost_usd,
    cost_usd / nullif(api_responses, 0) as cost_per_response_usd
from org_model_costs
order by month, cost_usd desc

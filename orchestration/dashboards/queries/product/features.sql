select
    week_start,
    tool,
    event_name,
    feature,
    uses,
    developers,
    failure_rate
from feature_usage_weekly
order by week_start, uses desc

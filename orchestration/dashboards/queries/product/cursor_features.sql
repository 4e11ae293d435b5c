select
    week_start,
    feature,
    coalesce(requests, offered) as uses,
    requests,
    offered,
    developers,
    accepted,
    acceptance_rate
from cursor_features_weekly
order by week_start, feature

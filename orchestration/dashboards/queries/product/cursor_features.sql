select
    week_start,
    feature,
    uses,
    developers,
    accepted,
    acceptance_rate
from cursor_features_weekly
order by week_start, feature

select
    behavioural_cohort,
    weeks_since_start,
    members_started,
    members_active,
    retention_rate
from team_retention
order by behavioural_cohort, weeks_since_start

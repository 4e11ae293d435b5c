select
    team,
    weeks_since_start,
    members_started,
    members_active,
    retention_rate
from org_team_retention
where behavioural_cohort = 'all'
order by team, weeks_since_start

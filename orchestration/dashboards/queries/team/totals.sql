select
    count(*) as weeks,
    max(members) as members,
    sum(sessions) as sessions,
    sum(cost_usd) as cost_usd,
    sum(edits_accepted) as edits_accepted,
    sum(commits) as commits
from team_weekly

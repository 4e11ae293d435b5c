select
    team,
    milestone,
    milestone_order,
    reached_on,
    members,
    days_since_first_active_week
from org_team_adoption
order by team, milestone_order

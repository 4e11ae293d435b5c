select
    team,
    strftime(month_start, '%Y-%m') as month,
    session_success_rate,
    cost_per_output_usd
from org_team_monthly
order by month, team

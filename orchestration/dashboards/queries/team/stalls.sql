select
    stalled_after,
    waiting_for,
    waiting_for_order,
    developers,
    median_days_waiting
from team_milestone_stalls
order by waiting_for_order

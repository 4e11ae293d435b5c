select
    strftime(cohort_week, '%Y-%m-%d') as cohort,
    milestone,
    milestone_order,
    developers_reached,
    median_days_to_reach,
    median_days_since_previous
from milestone_timing
where milestone_order > 1
order by cohort_week, milestone_order

select
    strftime(cohort_week, '%Y-%m-%d') || ' · ' || replace(behavioural_cohort, '_', ' ') as cohort,
    weeks_since_start,
    cohort_size,
    active_developers,
    retention_rate
from cohort_retention
order by cohort, weeks_since_start

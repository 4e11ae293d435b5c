select
    started_at,
    status,
    duration_seconds,
    rows_loaded,
    rows_quarantined,
    quarantine_rate,
    rows_per_second
from pipeline_health
order by started_at

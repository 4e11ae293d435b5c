select
    count(*) as batches,
    sum(rows_loaded) as rows_loaded,
    sum(rows_quarantined) as rows_quarantined,
    max(started_at) as last_load_at
from pipeline_health

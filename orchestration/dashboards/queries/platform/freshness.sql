select
    landing_source,
    last_loaded_at,
    newest_event_at,
    files,
    rows_loaded,
    hours_behind_at_load
from source_freshness
order by landing_source

select
    landing_source,
    reason_class,
    reason,
    quarantined_rows,
    files,
    last_seen_at
from quarantine_reasons
order by quarantined_rows desc

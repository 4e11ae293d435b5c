select
    batch_id,
    loaded_at,
    published_at,
    lines_loaded,
    event_to_load_seconds,
    load_to_publish_seconds,
    event_to_publish_seconds
from publish_latency
order by loaded_at desc

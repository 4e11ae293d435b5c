select
    loaded_at,
    'new line to its load' as step,
    event_to_load_seconds as seconds
from publish_latency
where event_to_load_seconds is not null
union all
select
    loaded_at,
    'new line to its developer''s published file' as step,
    event_to_publish_seconds as seconds
from publish_latency
where event_to_publish_seconds is not null
order by loaded_at, step

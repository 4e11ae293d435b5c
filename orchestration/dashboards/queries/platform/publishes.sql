select
    publish_version,
    audience,
    published_at,
    validation_outcome,
    is_published,
    failed_checks
from publish_history
order by published_at desc, audience

select
    segment_type,
    segment_value,
    stalled_after,
    waiting_for,
    waiting_for_order,
    developers,
    median_days_waiting
from value_stream_stalls
order by segment_type, segment_value, waiting_for_order

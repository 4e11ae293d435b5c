select
    segment_type,
    segment_value,
    milestone,
    developers_reached,
    developers_started,
    step_conversion,
    overall_conversion
from milestone_conversion
order by segment_type, segment_value, milestone_order

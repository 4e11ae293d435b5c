select
    milestone_order,
    milestone,
    developers_reached,
    overall_conversion
from milestone_conversion
where segment_type = 'overall'
order by milestone_order

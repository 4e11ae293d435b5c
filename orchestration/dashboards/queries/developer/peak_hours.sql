select
    hour_of_day_utc,
    interactions,
    outputs,
    active_days
from developer_peak_hours
order by hour_of_day_utc

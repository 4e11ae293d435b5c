select
    severity,
    kind,
    metric,
    segment_type,
    segment_value,
    period_start,
    observed,
    expected,
    band_low,
    band_high,
    drilldown
from platform_alerts
order by period_start desc, severity, metric

select
    experiment_id || ' · ' || metric as experiment_metric,
    experiment_id,
    metric,
    metric_role,
    segment_value,
    variant,
    units_measured,
    control_mean,
    metric_mean,
    relative_lift,
    relative_ci_low,
    relative_ci_high,
    p_value,
    is_significant,
    achieved_power,
    required_units_per_variant,
    sample_ratio_mismatch,
    is_complete
from experiment_results
where not is_control
order by experiment_id, metric_role desc, metric, segment_type, segment_value

{#- The q-quantile of `expression` over the `preceding` rows before this one (this row excluded). -#}
{% macro trailing_quantile(expression, q, partition_by, order_by, preceding) -%}
    {{ return(adapter.dispatch('trailing_quantile', 'ai_telemetry')(expression, q, partition_by, order_by, preceding)) }}
{%- endmacro %}

{% macro duckdb__trailing_quantile(expression, q, partition_by, order_by, preceding) -%}
    quantile_cont({{ expression }}, {{ q }}) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between {{ preceding }} preceding and 1 preceding
    )
{%- endmacro %}

{% macro default__trailing_quantile(expression, q, partition_by, order_by, preceding) -%}
    percentile_approx({{ expression }}, {{ q }}) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between {{ preceding }} preceding and 1 preceding
    )
{%- endmacro %}


{#-
    Anomaly alerts over `series`: a relation with metric, segment_type, segment_value, period_start (a date),
    observed and drilldown. Each value is compared with the same weekday's previous values (up to
    `alert_anomaly_weeks`, at least 4): a robust z-score, (observed - median) / (IQR / 1.349), so one earlier
    spike does not hide the next. |z| >= `alert_anomaly_z` is an alert, twice that is critical.
-#}
{% macro anomaly_alerts(series) -%}
    {%- set weeks = var('alert_anomaly_weeks') -%}
    {%- set partition = 'metric, segment_type, segment_value, ' ~ day_of_week('period_start') -%}
    with

    with_history as (
        select
            *,
            count(observed) over (
                partition by {{ partition }} order by period_start rows between {{ weeks }} preceding and 1 preceding
            ) as history,
            {{ trailing_quantile('observed', 0.5, partition, 'period_start', weeks) }} as median_before,
            {{ trailing_quantile('observed', 0.25, partition, 'period_start', weeks) }} as q1_before,
            {{ trailing_quantile('observed', 0.75, partition, 'period_start', weeks) }} as q3_before
        from {{ series }}
        where observed is not null
    ),

    scored as (
        select
            *,
            -- A flat history has no spread: a tenth of its level stands in, so a small wobble is not an alert.
            greatest((q3_before - q1_before) / 1.349, abs(median_before) * 0.1, 1e-9) as robust_sigma
        from with_history
        where history >= 4
    )

    select
        'anomaly' as kind,
        metric,
        segment_type,
        segment_value,
        period_start,
        observed,
        median_before as expected,
        median_before - {{ var('alert_anomaly_z') }} * robust_sigma as band_low,
        median_before + {{ var('alert_anomaly_z') }} * robust_sigma as band_high,
        case
            when abs(observed - median_before) / robust_sigma >= 2 * {{ var('alert_anomaly_z') }} then 'critical'
            else 'warning'
        end as severity,
        drilldown
    from scored
    where abs(observed - median_before) / robust_sigma >= {{ var('alert_anomaly_z') }}
{%- endmacro %}


{#- Threshold alerts: `observations` (metric, segment_type, segment_value, period_start, observed, drilldown)
    whose value misses the metric's target in seeds/metric_targets.csv (the catalog's targets). -#}
{% macro threshold_alerts(observations) -%}
    select
        'threshold' as kind,
        observations.metric,
        observations.segment_type,
        observations.segment_value,
        observations.period_start,
        observations.observed,
        targets.threshold as expected,
        case when targets.operator in ('>=', '>', '=') then targets.threshold end as band_low,
        case when targets.operator in ('<=', '<', '=') then targets.threshold end as band_high,
        -- Off by more than half the target (or above it, for a ceiling of 0) is critical.
        case
            when abs(observations.observed - targets.threshold) > 0.5 * abs(targets.threshold) then 'critical'
            else 'warning'
        end as severity,
        observations.drilldown
    from {{ observations }} as observations
    inner join {{ ref('metric_targets') }} as targets on observations.metric = targets.metric
    where
        observations.observed is not null
        and not case targets.operator
            when '<=' then observations.observed <= targets.threshold
            when '>=' then observations.observed >= targets.threshold
            when '<' then observations.observed < targets.threshold
            when '>' then observations.observed > targets.threshold
            else observations.observed = targets.threshold
        end
{%- endmacro %}


{#- Day of the week, 0 (Sunday) to 6. -#}
{% macro day_of_week(expression) -%}
    {{ return(adapter.dispatch('day_of_week', 'ai_telemetry')(expression)) }}
{%- endmacro %}

{% macro duckdb__day_of_week(expression) -%}
    dayofweek({{ expression }})
{%- endmacro %}

{% macro default__day_of_week(expression) -%}
    (dayofweek({{ expression }}) - 1)
{%- endmacro %}


{#- An alerts mart's columns over the union of its alerts (macros above): the key across runs, then the typed
    fields. `subject` names a column repeating segment_value that a per-subject file is split by (team). -#}
{% macro alert_columns(subject=none) -%}
    {%- set text = dbt.type_string() -%}
    {{ row_key(['kind', 'metric', 'segment_type', 'segment_value', 'period_start']) }} as alert_key,
    {%- if subject %}
    cast(segment_value as {{ text }}) as {{ subject }},
    {%- endif %}
    cast(kind as {{ text }}) as kind,
    cast(metric as {{ text }}) as metric,
    cast(segment_type as {{ text }}) as segment_type,
    cast(segment_value as {{ text }}) as segment_value,
    cast(period_start as date) as period_start,
    cast(observed as double) as observed,
    cast(expected as double) as expected,
    cast(band_low as double) as band_low,
    cast(band_high as double) as band_high,
    cast(severity as {{ text }}) as severity,
    cast(drilldown as {{ text }}) as drilldown
{%- endmacro %}

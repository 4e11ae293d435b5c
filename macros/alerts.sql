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
    spike does not hide the next, with the spread at least `alert_anomaly_min_spread` of the median. |z| >=
    `alert_anomaly_z` is an alert, twice that is critical. Metrics named in `counts` are counts: their spread
    is at least sqrt(median). With `people` (a column: how many people the value sums over), the spread is at
    least median / sqrt(people) for a count and median * `alert_anomaly_person_cv` / sqrt(people) for an
    amount: a weekend day's cost from five developers swings more than a weekday's from twenty. Metrics named
    in `multiplicative` (positive ratios that swing by factors, such as cost per output: a day with few
    outputs doubles it) are judged on their logarithm. Series must hold complete periods only.
-#}
{% macro anomaly_alerts(series, counts=[], people=none, multiplicative=[]) -%}
    {%- set weeks = var('alert_anomaly_weeks') -%}
    {%- set z = var('alert_anomaly_z') -%}
    {%- set spread = var('alert_anomaly_min_spread') -%}
    {%- set partition = 'metric, segment_type, segment_value, ' ~ day_of_week('period_start') -%}
    {%- set is_multiplicative = "metric in ('" ~ (multiplicative | join("', '")) ~ "')" if multiplicative else 'false' -%}
    {%- set is_count = "metric in ('" ~ (counts | join("', '")) ~ "')" if counts else 'false' -%}
    with

    scaled as (
        -- Ratios of sums (cost per output) are judged on their logarithm: they swing by factors.
        select
            *,
            case when {{ is_multiplicative }} then ln(observed) else observed end as value
        from {{ series }}
        where observed is not null and (observed > 0 or not {{ is_multiplicative }})
    ),

    with_history as (
        select
            *,
            count(value) over (
                partition by {{ partition }} order by period_start rows between {{ weeks }} preceding and 1 preceding
            ) as history,
            {{ trailing_quantile('value', 0.5, partition, 'period_start', weeks) }} as median_before,
            {{ trailing_quantile('value', 0.25, partition, 'period_start', weeks) }} as q1_before,
            {{ trailing_quantile('value', 0.75, partition, 'period_start', weeks) }} as q3_before
        from scaled
    ),

    scored as (
        select
            *,
            -- Few points give a narrow spread by chance: at least `alert_anomaly_min_spread` of the usual level
            -- stands in, so an ordinary day-to-day swing is not an alert. A count's spread is at least its
            -- Poisson noise, sqrt(median), and median / sqrt(people); an amount summed over people (cost),
            -- median * cv / sqrt(people), one person's day varying by `alert_anomaly_person_cv` times its
            -- mean. On a logarithm, the shares are ln(1 + share) and 1 / sqrt(people).
            greatest(
                (q3_before - q1_before) / 1.349,
                case when {{ is_multiplicative }} then ln(1 + {{ spread }}) else abs(median_before) * {{ spread }} end,
                case when {{ is_count }} then sqrt(abs(median_before)) else 0 end,
                {% if people -%}
                case
                    when {{ is_multiplicative }} then 1 / sqrt(greatest({{ people }}, 1))
                    when {{ is_count }} then abs(median_before) / sqrt(greatest({{ people }}, 1))
                    else abs(median_before) * {{ var('alert_anomaly_person_cv') }} / sqrt(greatest({{ people }}, 1))
                end,
                {% endif -%}
                1e-9
            ) as robust_sigma
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
        case when {{ is_multiplicative }} then exp(median_before) else median_before end as expected,
        case
            when {{ is_multiplicative }} then exp(median_before - {{ z }} * robust_sigma)
            else median_before - {{ z }} * robust_sigma
        end as band_low,
        case
            when {{ is_multiplicative }} then exp(median_before + {{ z }} * robust_sigma)
            else median_before + {{ z }} * robust_sigma
        end as band_high,
        case when abs(value - median_before) / robust_sigma >= 2 * {{ z }} then 'critical' else 'warning' end as severity,
        drilldown
    from scored
    where abs(value - median_before) / robust_sigma >= {{ z }}
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


{#-
    Trend alerts over `rates` (metric, segment_type, segment_value, period_start, observed: the rate, its
    numerator and denominator, drilldown; one row per `period_days`-long period): a rate with a
    catalog target that moved the wrong way (down for a `>=` target, up for a `<=` one) in each of the last
    three periods running, in all by at least `alert_trend_change` of where it started, and by more than
    chance: a two-proportion z-test between the first and the last of the four periods reaches
    `alert_trend_z`. A small team's wobble is not a trend. Critical at twice the share.
-#}
{% macro trend_alerts(rates, period_days) -%}
    {%- set change = var('alert_trend_change') -%}
    {%- set partition = 'metric, segment_type, segment_value' -%}
    with

    targeted as (
        select
            rates.*,
            targets.operator,
            -- Signed so that a fall is the wrong way: a ceiling's values are negated.
            case when targets.operator = '>=' then 1 else -1 end as sign
        from {{ rates }} as rates
        inner join {{ ref('metric_targets') }} as targets on rates.metric = targets.metric
        where rates.denominator > 0 and targets.operator in ('>=', '<=')
    ),

    windows as (
        select
            *,
            lag(observed, 1) over (partition by {{ partition }} order by period_start) as observed_1,
            lag(observed, 2) over (partition by {{ partition }} order by period_start) as observed_2,
            lag(observed, 3) over (partition by {{ partition }} order by period_start) as observed_3,
            lag(numerator, 3) over (partition by {{ partition }} order by period_start) as numerator_3,
            lag(denominator, 3) over (partition by {{ partition }} order by period_start) as denominator_3,
            lag(period_start, 3) over (partition by {{ partition }} order by period_start) as started_on
        from targeted
    ),

    tested as (
        select
            *,
            (numerator + numerator_3) * 1.0 / (denominator + denominator_3) as pooled
        from windows
        where observed_3 is not null
    )

    select
        'trend' as kind,
        metric,
        segment_type,
        segment_value,
        period_start,
        observed,
        observed_3 as expected,
        case when operator = '>=' then observed_3 * (1 - {{ change }}) end as band_low,
        case when operator = '<=' then observed_3 * (1 + {{ change }}) end as band_high,
        case
            when sign * (observed_3 - observed) >= 2 * {{ change }} * abs(observed_3) then 'critical' else 'warning'
        end as severity,
        drilldown
    from tested
    where
        {{ dbt.datediff('started_on', 'period_start', 'day') }} = 3 * {{ period_days }}
        -- Three weeks below where the window started, the last the worst of them.
        and sign * observed_1 < sign * observed_3
        and sign * observed_2 < sign * observed_3
        and sign * observed < sign * observed_1
        and sign * observed < sign * observed_2
        and sign * (observed_3 - observed) >= {{ change }} * abs(observed_3)
        and pooled > 0
        and pooled < 1
        and sign * (observed_3 - observed)
        >= {{ var('alert_trend_z') }} * sqrt(pooled * (1 - pooled) * (1.0 / denominator + 1.0 / denominator_3))
{%- endmacro %}


{#-
    Correlation alerts over `pairs` (metric, partner, segment_type, segment_value, period_start, observed,
    partner_observed, drilldown): two metrics that normally move together moving apart. `metric` (an outcome,
    such as accepted edits) fell by at least `alert_correlation_change` below its median of the previous
    periods (up to `alert_anomaly_weeks`, at least 3) while `partner` (the effort, such as tokens) rose by as
    much above its own. Critical at twice that.
-#}
{% macro correlation_alerts(pairs) -%}
    {%- set weeks = var('alert_anomaly_weeks') -%}
    {%- set change = var('alert_correlation_change') -%}
    {%- set partition = 'metric, partner, segment_type, segment_value' -%}
    with

    with_history as (
        select
            *,
            count(observed) over (
                partition by {{ partition }} order by period_start rows between {{ weeks }} preceding and 1 preceding
            ) as history,
            {{ trailing_quantile('observed', 0.5, partition, 'period_start', weeks) }} as median_before,
            {{ trailing_quantile('partner_observed', 0.5, partition, 'period_start', weeks) }} as partner_median_before
        from {{ pairs }}
        where observed is not null and partner_observed is not null
    ),

    moves as (
        select
            *,
            observed / nullif(median_before, 0) - 1 as change,
            partner_observed / nullif(partner_median_before, 0) - 1 as partner_change
        from with_history
        where history >= 3
    )

    select
        'correlation' as kind,
        metric,
        segment_type,
        segment_value,
        period_start,
        observed,
        median_before as expected,
        median_before * (1 - {{ change }}) as band_low,
        cast(null as double) as band_high,
        case
            when change <= -2 * {{ change }} and partner_change >= 2 * {{ change }} then 'critical' else 'warning'
        end as severity,
        drilldown
    from moves
    where change <= -{{ change }} and partner_change >= {{ change }}
{%- endmacro %}


{#-
    Milestone alerts over `timings` (metric, segment_type, segment_value: the milestone, period_start: the
    cohort's week, observed: the cohort's median days to the milestone, drilldown): a cohort that took far
    longer than the other cohorts shown (at least one) took to the same milestone, at least
    `alert_milestone_factor` times their median and `alert_milestone_days` more: the value stream slowed for
    the developers who started then. Critical at twice the factor.
-#}
{% macro milestone_alerts(timings) -%}
    {%- set factor = var('alert_milestone_factor') -%}
    with

    against_others as (
        select
            cohort.metric,
            cohort.segment_type,
            cohort.segment_value,
            cohort.period_start,
            cohort.observed,
            cohort.drilldown,
            median(others.observed) as others_median,
            count(others.observed) as others
        from {{ timings }} as cohort
        inner join {{ timings }} as others
            on
                cohort.metric = others.metric
                and cohort.segment_value = others.segment_value
                and cohort.period_start <> others.period_start
        where cohort.observed is not null and others.observed is not null
        group by cohort.metric, cohort.segment_type, cohort.segment_value, cohort.period_start, cohort.observed,
            cohort.drilldown
    )

    select
        'milestone' as kind,
        metric,
        segment_type,
        segment_value,
        period_start,
        observed,
        others_median as expected,
        cast(null as double) as band_low,
        others_median * {{ factor }} as band_high,
        case when observed >= 2 * {{ factor }} * others_median then 'critical' else 'warning' end as severity,
        drilldown
    from against_others
    where
        others >= 1
        and observed >= {{ factor }} * others_median
        and observed - others_median >= {{ var('alert_milestone_days') }}
{%- endmacro %}


{#- The rows of `relation` whose week has ended by the last day with data: a week still under way is not
    compared with whole ones. -#}
{% macro whole_weeks(relation, week_column) -%}
    select {{ relation }}.*
    from {{ relation }}
    cross join (select max(event_date) as last_day from {{ ref('fct_events') }}) as data_end
    where {{ dbt.dateadd('day', 6, relation ~ '.' ~ week_column) }} <= data_end.last_day
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

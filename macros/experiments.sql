{#- The published readout of the experiments: whole segments only, each of its variants at least
    min_group_size units assigned and measured (a segment with a smaller variant is left out whole, so no
    variant's figures can be worked out from the others'). Persona segments are already all-or-none. -#}
{% macro experiment_readout() -%}
    with

    results as (
        select * from {{ ref('experiment_readouts') }}
    ),

    segments_shown as (
        select
            experiment_id,
            metric,
            segment_type,
            segment_value
        from results
        group by experiment_id, metric, segment_type, segment_value
        having min(least(units_assigned, units_measured)) >= {{ var('min_group_size') }}
    ),

    final as (
        select
            cast(results.experiment_id as {{ dbt.type_string() }}) as experiment_id,
            cast(results.metric as {{ dbt.type_string() }}) as metric,
            cast(results.metric_role as {{ dbt.type_string() }}) as metric_role,
            cast(results.segment_type as {{ dbt.type_string() }}) as segment_type,
            cast(results.segment_value as {{ dbt.type_string() }}) as segment_value,
            cast(results.variant as {{ dbt.type_string() }}) as variant,
            cast(results.is_control as boolean) as is_control,
            cast(results.units_assigned as bigint) as units_assigned,
            cast(results.units_measured as bigint) as units_measured,
            cast(results.metric_mean as double) as metric_mean,
            cast(results.metric_std as double) as metric_std,
            cast(results.control_mean as double) as control_mean,
            cast(results.absolute_lift as double) as absolute_lift,
            cast(results.relative_lift as double) as relative_lift,
            cast(results.ci_low as double) as ci_low,
            cast(results.ci_high as double) as ci_high,
            cast(results.relative_ci_low as double) as relative_ci_low,
            cast(results.relative_ci_high as double) as relative_ci_high,
            cast(results.p_value as double) as p_value,
            cast(results.test_name as {{ dbt.type_string() }}) as test_name,
            cast(results.alpha as double) as alpha,
            cast(results.is_significant as boolean) as is_significant,
            cast(results.minimum_detectable_effect as double) as minimum_detectable_effect,
            cast(results.achieved_power as double) as achieved_power,
            cast(results.required_units_per_variant as bigint) as required_units_per_variant,
            cast(results.sample_sufficient as boolean) as sample_sufficient,
            cast(results.srm_p_value as double) as srm_p_value,
            cast(results.sample_ratio_mismatch as boolean) as sample_ratio_mismatch,
            cast(results.window_start as date) as window_start,
            cast(results.window_end as date) as window_end,
            cast(results.as_of_date as date) as as_of_date,
            cast(results.is_complete as boolean) as is_complete
        from results
        inner join segments_shown
            on
                results.experiment_id = segments_shown.experiment_id
                and results.metric = segments_shown.metric
                and results.segment_type = segments_shown.segment_type
                and results.segment_value = segments_shown.segment_value
    )

    select * from final
{%- endmacro %}

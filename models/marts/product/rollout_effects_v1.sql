-- Client version rollouts' effects for product research, by difference in differences (not randomised: read
-- the assumptions and the placebo). Both groups have at least min_group_size developers in every row.
with

effects as (
    select * from {{ ref('rollout_readouts') }}
),

final as (
    select
        cast(rollout as {{ dbt.type_string() }}) as rollout,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(wave_week as date) as wave_week,
        cast(treated_units as bigint) as treated_units,
        cast(comparison_units as bigint) as comparison_units,
        cast(treated_change as double) as treated_change,
        cast(comparison_change as double) as comparison_change,
        cast(estimate as double) as estimate,
        cast(ci_low as double) as ci_low,
        cast(ci_high as double) as ci_high,
        cast(p_value as double) as p_value,
        cast(is_significant as boolean) as is_significant,
        cast(pre_trend_difference as double) as pre_trend_difference,
        cast(pre_trend_p_value as double) as pre_trend_p_value,
        cast(parallel_trends_plausible as boolean) as parallel_trends_plausible,
        cast(method as {{ dbt.type_string() }}) as estimation_method,
        cast(assumptions as {{ dbt.type_string() }}) as assumptions
    from effects
    where
        treated_units >= {{ var('min_group_size') }}
        and comparison_units >= {{ var('min_group_size') }}
)

select * from final

{#- The published ROI estimate (int_roi_team_months): rows of at least min_group_size active developers,
    labelled an estimate, with the ratio of the time's value to what the tools cost. -#}
{% macro roi_estimate(reportable_teams_only) -%}
    with

    estimates as (
        select * from {{ ref('int_roi_team_months') }}
    ),

    final as (
        select
            cast(team as {{ dbt.type_string() }}) as team,
            cast(month_start as date) as month_start,
            cast(scenario as {{ dbt.type_string() }}) as scenario,
            cast(
                'estimate: method v' || cast(method_version as {{ dbt.type_string() }})
                || ' (docs/roi.md), '
                || cast({{ var('roi_loaded_cost_per_hour_usd') }} as {{ dbt.type_string() }})
                || ' USD per loaded hour' as {{ dbt.type_string() }}
            ) as estimation_method,
            cast(active_developers as bigint) as active_developers,
            cast(sessions_succeeded as bigint) as sessions_succeeded,
            cast(assisted_hours as double) as assisted_hours,
            cast(hours_saved as double) as estimated_hours_saved,
            cast(value_usd as double) as estimated_value_usd,
            cast(usage_cost_usd as double) as usage_cost_usd,
            cast(seat_cost_usd as double) as seat_cost_usd,
            cast(tool_cost_usd as double) as tool_cost_usd,
            case when tool_cost_usd > 0 then cast(value_usd as double) / cast(tool_cost_usd as double) end as estimated_roi
        from estimates
        where
            active_developers >= {{ var('min_group_size') }}
            {%- if reportable_teams_only %}
                and team != 'other teams'
            {%- endif %}
    )

    select * from final
{%- endmacro %}

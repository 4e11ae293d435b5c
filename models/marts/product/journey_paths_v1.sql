-- User journeys: the orders in which developers reach milestones, anonymised (paths and steps taken by
-- fewer developers than the minimum group size are left out).
with

paths as (
    select * from {{ ref('milestone_paths') }}
),

final as (
    select
        cast(row_kind as {{ dbt.type_string() }}) as row_kind,
        cast(coalesce(milestone_path, source_milestone || ' > ' || target_milestone) as {{ dbt.type_string() }})
            as journey,
        cast(source_milestone as {{ dbt.type_string() }}) as source_milestone,
        cast(target_milestone as {{ dbt.type_string() }}) as target_milestone,
        cast(developers as bigint) as developers
    from paths
    where developers >= {{ var('min_group_size') }}
)

select * from final

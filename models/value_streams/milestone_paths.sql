-- The orders in which developers reach milestones: ranked paths, and a Sankey-ready edge list.
with

reached as (
    select * from {{ ref('developer_milestones') }}
),

paths as (
    select
        developer_id,
        {{ ordered_string_agg('milestone', "' > '", 'sequence_position') }} as milestone_path,
        count(*) as milestones_reached
    from reached
    group by developer_id
),

ranked as (
    select
        milestone_path,
        milestones_reached,
        count(*) as developers
    from paths
    group by milestone_path, milestones_reached
),

final as (
    select
        'path' as row_kind,
        milestone_path,
        cast(null as {{ dbt.type_string() }}) as source_milestone,
        cast(null as {{ dbt.type_string() }}) as target_milestone,
        developers,
        rank() over (order by developers desc, milestone_path asc) as path_rank
    from ranked

    union all

    select
        'edge' as row_kind,
        cast(null as {{ dbt.type_string() }}) as milestone_path,
        previous_step.milestone as source_milestone,
        next_step.milestone as target_milestone,
        count(*) as developers,
        cast(null as bigint) as path_rank
    from reached as previous_step
    inner join reached as next_step
        on
            previous_step.developer_id = next_step.developer_id
            and next_step.sequence_position = previous_step.sequence_position + 1
    group by previous_step.milestone, next_step.milestone
)

select * from final

-- Step conversion through the milestones, overall and by segment (team, persona, tool, cohort week).
with

reached as (
    select * from {{ ref('developer_milestones') }}
),

milestones as (
    select * from {{ ref('milestones') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

developer_tools as (
    select
        developer_id,
        case when count(distinct tool) > 1 then 'both' else min(tool) end as tool_mix
    from events
    group by developer_id
),

developer_segments as (
    select distinct
        reached.developer_id,
        developer_tools.tool_mix,
        cast(reached.cohort_week as {{ dbt.type_string() }}) as cohort_week,
        coalesce(reached.team, 'unassigned') as team,
        coalesce(reached.persona, 'unknown') as persona
    from reached
    inner join developer_tools on reached.developer_id = developer_tools.developer_id
),

segments as (
    select
        developer_id,
        'overall' as segment_type,
        'all' as segment_value
    from developer_segments
    union all
    select
        developer_id,
        'team' as segment_type,
        team as segment_value
    from developer_segments
    union all
    select
        developer_id,
        'persona' as segment_type,
        persona as segment_value
    from developer_segments
    union all
    select
        developer_id,
        'tool' as segment_type,
        tool_mix as segment_value
    from developer_segments
    union all
    select
        developer_id,
        'cohort_week' as segment_type,
        cohort_week as segment_value
    from developer_segments
),

counts as (
    select
        segments.segment_type,
        segments.segment_value,
        milestones.milestone,
        milestones.milestone_order,
        count(distinct reached.developer_id) as developers_reached
    from segments
    cross join milestones
    left join reached
        on segments.developer_id = reached.developer_id and milestones.milestone = reached.milestone
    group by segments.segment_type, segments.segment_value, milestones.milestone, milestones.milestone_order
),

final as (
    select
        segment_type,
        segment_value,
        milestone,
        milestone_order,
        developers_reached,
        first_value(developers_reached) over (
            partition by segment_type, segment_value order by milestone_order
        ) as developers_started,
        developers_reached * 1.0 / nullif(
            lag(developers_reached) over (partition by segment_type, segment_value order by milestone_order), 0
        ) as step_conversion,
        developers_reached * 1.0 / nullif(
            first_value(developers_reached) over (partition by segment_type, segment_value order by milestone_order),
            0
        ) as overall_conversion
    from counts
)

select * from final

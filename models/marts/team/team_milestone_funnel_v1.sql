-- The team's funnel through the value-stream milestones: how many members reached each, the conversion from
-- the step before and from the first, and the median days it took. Teams under the minimum size are not
-- shown, nor is a step fewer than min_group_size members reached.
with

funnel as (
    select * from {{ ref('milestone_funnel') }}
    where segment_type = 'team'
),

reached as (
    select * from {{ ref('developer_milestones') }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

days_to_reach as (
    select
        team,
        milestone,
        median(days_to_reach) as median_days_to_reach,
        median(days_since_previous_milestone) as median_days_since_previous
    from reached
    group by team, milestone
),

final as (
    select
        cast(funnel.segment_value as {{ dbt.type_string() }}) as team,
        cast(funnel.milestone as {{ dbt.type_string() }}) as milestone,
        cast(funnel.milestone_order as integer) as milestone_order,
        cast(funnel.developers_reached as bigint) as developers_reached,
        cast(funnel.developers_started as bigint) as developers_started,
        cast(funnel.step_conversion as double) as step_conversion,
        cast(funnel.overall_conversion as double) as overall_conversion,
        cast(days_to_reach.median_days_to_reach as double) as median_days_to_reach,
        cast(days_to_reach.median_days_since_previous as double) as median_days_since_previous
    from funnel
    inner join team_sizes on funnel.segment_value = team_sizes.team
    left join days_to_reach
        on funnel.segment_value = days_to_reach.team and funnel.milestone = days_to_reach.milestone
    where team_sizes.is_reportable and funnel.developers_reached >= {{ var('min_group_size') }}
)

select * from final

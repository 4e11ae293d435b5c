-- Where the team's members stall in the value stream: a row is shown when the team is reportable and at
-- least min_group_size members wait there. The median wait only (a maximum is one member's).
with

stalls as (
    select * from {{ ref('milestone_stalls') }}
    where segment_type = 'team'
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

final as (
    select
        cast(stalls.segment_value as {{ dbt.type_string() }}) as team,
        cast(stalls.stalled_after as {{ dbt.type_string() }}) as stalled_after,
        cast(stalls.waiting_for as {{ dbt.type_string() }}) as waiting_for,
        cast(stalls.waiting_for_order as integer) as waiting_for_order,
        cast(stalls.developers as bigint) as developers,
        cast(stalls.median_days_waiting as double) as median_days_waiting
    from stalls
    inner join team_sizes on stalls.segment_value = team_sizes.team
    where team_sizes.is_reportable and stalls.developers >= {{ var('min_group_size') }}
)

select * from final

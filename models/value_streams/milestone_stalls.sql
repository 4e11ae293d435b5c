-- Where developers stall: reached a milestone but not the next one, and for how long they have waited.
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

as_of as (
    select max(occurred_at) as as_of_at from events
),

last_reached as (
    select
        developer_id,
        max(milestone_order) as last_order,
        max(reached_at) as last_reached_at
    from reached
    group by developer_id
),

final as (
    select
        current_step.milestone as stalled_after,
        next_step.milestone as waiting_for,
        count(*) as developers,
        median({{ seconds_between('last_reached.last_reached_at', 'as_of.as_of_at') }} / 86400.0)
            as median_days_waiting,
        max({{ seconds_between('last_reached.last_reached_at', 'as_of.as_of_at') }} / 86400.0)
            as max_days_waiting
    from last_reached
    cross join as_of
    inner join milestones as current_step on last_reached.last_order = current_step.milestone_order
    inner join milestones as next_step on current_step.milestone_order + 1 = next_step.milestone_order
    group by current_step.milestone, next_step.milestone
)

select * from final

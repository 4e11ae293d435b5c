-- Each developer who has not reached every milestone: the first milestone in the stream's order they have
-- not reached is what they wait for, after the one before it, and how long they have waited since their
-- latest milestone (to the newest event).
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

developer_progress as (
    select
        developer_id,
        coalesce(min(team), 'unassigned') as team,
        coalesce(min(persona), 'unknown') as persona,
        max(reached_at) as last_reached_at
    from reached
    group by developer_id
),

first_missing as (
    select
        developer_progress.developer_id,
        min(milestones.milestone_order) as waiting_order
    from developer_progress
    cross join milestones
    left join reached
        on
            developer_progress.developer_id = reached.developer_id
            and milestones.milestone = reached.milestone
    where reached.developer_id is null
    group by developer_progress.developer_id
),

last_reached as (
    select
        developer_progress.*,
        first_missing.waiting_order - 1 as last_order
    from developer_progress
    inner join first_missing on developer_progress.developer_id = first_missing.developer_id
),

final as (
    select
        last_reached.developer_id,
        last_reached.team,
        last_reached.persona,
        current_step.milestone as stalled_after,
        next_step.milestone as waiting_for,
        next_step.milestone_order as waiting_for_order,
        last_reached.last_reached_at,
        {{ seconds_between('last_reached.last_reached_at', 'as_of.as_of_at') }} / 86400.0 as days_waiting
    from last_reached
    cross join as_of
    inner join milestones as current_step on last_reached.last_order = current_step.milestone_order
    inner join milestones as next_step on current_step.milestone_order + 1 = next_step.milestone_order
)

select * from final

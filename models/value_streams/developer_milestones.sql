-- When each developer first reached each milestone of the seed, time to value, and time between steps.
-- Habitual use is reached on the first day a developer has been active on at least three days within seven.
with

-- Read where it is used: held whole for its several readers, every event was copied (its query at 5M
-- transcript lines 0.18 -> 0.12 s).
events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

milestones as (
    select * from {{ ref('milestones') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

session_developers as (
    select distinct developer_id
    from sessions
),

active_days as (
    select
        developer_id,
        session_date as activity_date,
        min(started_at) as first_started_at
    from sessions
    group by developer_id, session_date
),

habitual_days as (
    -- Days on which the developer had been active on at least three of the seven days ending there.
    select
        active_days.developer_id,
        active_days.first_started_at
    from active_days
    inner join active_days as earlier
        on
            active_days.developer_id = earlier.developer_id
            and active_days.activity_date >= earlier.activity_date
            and earlier.activity_date > {{ dbt.dateadd('day', -7, 'active_days.activity_date') }}
    group by active_days.developer_id, active_days.activity_date, active_days.first_started_at
    having count(*) >= 3
),

occurrences as (
    select
        developer_id,
        event_name,
        occurred_at
    from events

    union all

    select
        developer_id,
        'habitual_use_reached' as event_name,
        first_started_at as occurred_at
    from habitual_days

    union all

    -- Every tool's sessions start the stream, Cursor's too (they have no session_started event).
    select
        developer_id,
        'session_started' as event_name,
        started_at as occurred_at
    from sessions

    union all

    -- So does the first event of a developer with no session (an exporter that wrote no session id): every
    -- developer who reached a later milestone has reached the first, so no conversion exceeds 1 (one did,
    -- and the gate held back every publish).
    select
        events.developer_id,
        'session_started' as event_name,
        min(events.occurred_at) as occurred_at
    from events
    left join session_developers on events.developer_id = session_developers.developer_id
    where session_developers.developer_id is null
    group by events.developer_id
),

firsts as (
    select
        developer_id,
        event_name,
        min(occurred_at) as first_at
    from occurrences
    group by developer_id, event_name
),

reached as (
    select
        firsts.developer_id,
        milestones.milestone,
        milestones.milestone_order,
        firsts.first_at as reached_at
    from firsts
    inner join milestones on firsts.event_name = milestones.event_name
),

starts as (
    select
        developer_id,
        min(reached_at) as started_at
    from reached
    group by developer_id
),

sequenced as (
    select
        reached.*,
        starts.started_at,
        lag(reached.reached_at) over (
            partition by reached.developer_id order by reached.reached_at, reached.milestone_order
        ) as previous_reached_at,
        row_number() over (
            partition by reached.developer_id order by reached.reached_at, reached.milestone_order
        ) as sequence_position
    from reached
    inner join starts on reached.developer_id = starts.developer_id
),

final as (
    select
        sequenced.developer_id,
        developers.team,
        developers.persona,
        sequenced.milestone,
        sequenced.milestone_order,
        sequenced.reached_at,
        sequenced.sequence_position,
        cast({{ dbt.date_trunc('week', 'sequenced.started_at') }} as date) as cohort_week,
        {{ seconds_between('sequenced.started_at', 'sequenced.reached_at') }} / 86400.0 as days_to_reach,
        {{ seconds_between('sequenced.previous_reached_at', 'sequenced.reached_at') }} / 86400.0
            as days_since_previous_milestone
    from sequenced
    left join developers on sequenced.developer_id = developers.developer_id
)

select * from final

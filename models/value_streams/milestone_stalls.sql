-- Where developers stall, overall and by team and persona (developer_stalls counted per segment).
with

stalled as (
    select * from {{ ref('developer_stalls') }}
),

segmented as (
    select
        'overall' as segment_type,
        'all' as segment_value,
        stalled.*
    from stalled
    union all
    select
        'team' as segment_type,
        team as segment_value,
        stalled.*
    from stalled
    union all
    select
        'persona' as segment_type,
        persona as segment_value,
        stalled.*
    from stalled
),

final as (
    select
        segment_type,
        segment_value,
        stalled_after,
        waiting_for,
        waiting_for_order,
        count(*) as developers,
        median(days_waiting) as median_days_waiting,
        max(days_waiting) as max_days_waiting
    from segmented
    group by segment_type, segment_value, stalled_after, waiting_for, waiting_for_order
)

select * from final

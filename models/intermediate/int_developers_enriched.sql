-- The directory plus every identity seen in telemetry that the directory does not know, so activity
-- from an unknown ~/.claude or email still has a canonical developer (the folder's name, or the email
-- prefixed 'unresolved:email:'), in the one team label for "no team": 'unassigned'.
with

developers as (
    select * from {{ ref('stg_org__developers') }}
),

sessions_context as (
    -- One row per transcript session (not per line): every owner of a transcript is in it.
    select * from {{ ref('int_claude_code_sessions_context') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

otel_events as (
    select * from {{ ref('stg_otel__events') }}
),

cursor_events as (
    select * from {{ ref('stg_cursor__usage_events') }}
),

cursor_daily as (
    select * from {{ ref('stg_cursor__daily_usage') }}
),

seen as (
    select distinct
        'handle' as identifier_type,
        lower(transcript_owner) as identifier_value
    from sessions_context
    where transcript_owner is not null

    union

    select distinct
        'email' as identifier_type,
        user_email as identifier_value
    from otel_events
    where user_email is not null

    union

    select distinct
        'email' as identifier_type,
        user_email as identifier_value
    from cursor_events

    union

    select distinct
        'email' as identifier_type,
        user_email as identifier_value
    from cursor_daily
),

unresolved as (
    -- A ~/.claude folder is named for its owner: that name is their id. An email is not an id to publish.
    select distinct
        case
            when seen.identifier_type = 'handle' then seen.identifier_value
            else 'unresolved:' || seen.identifier_type || ':' || seen.identifier_value
        end as developer_id
    from seen
    left join links
        on seen.identifier_type = links.identifier_type and seen.identifier_value = links.identifier_value
    where links.developer_id is null
),

final as (
    select
        developer_id,
        handle,
        primary_email,
        team,
        persona,
        manager_email,
        licence_seat,
        seat_monthly_cost_usd,
        is_opted_in,
        true as is_in_directory
    from developers

    union all

    select
        developer_id,
        null as handle,
        null as primary_email,
        'unassigned' as team,
        'unknown' as persona,
        null as manager_email,
        null as licence_seat,
        null as seat_monthly_cost_usd,
        false as is_opted_in,
        false as is_in_directory
    from unresolved
)

select * from final

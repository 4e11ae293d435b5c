-- The directory plus every identity seen in telemetry that the directory does not know, so activity
-- from an unknown ~/.claude or email still has a canonical developer (the folder's name, or the email
-- prefixed 'unresolved:email:'; OpenTelemetry's anonymous id or account, or 'unresolved:unknown', as
-- int_otel__events credits them), in the one team label for "no team": 'unassigned'.
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

otel_identities as (
    select distinct
        user_email,
        account_uuid,
        anonymous_user_id
    from otel_events
),

otel_identities_linked as (
    select
        otel_identities.*,
        {{ otel_linked_developer() }} as linked_developer_id
    from otel_identities
    {{ otel_identity_joins('otel_identities') }}
),

otel_unlinked as (
    -- The developer each OpenTelemetry event is credited to (int_otel__events) when no link finds one: its
    -- email, else its anonymous id or account (an exporter may write no email), else unknown.
    select distinct {{ otel_developer_id() }} as developer_id
    from otel_identities_linked
    where linked_developer_id is null
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

    union

    select developer_id from otel_unlinked
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

-- Every identifier a developer shows up under, linked to the directory's developer_id.
with

developers as (
    select * from {{ ref('stg_org__developers') }}
),

developer_emails as (
    select * from {{ ref('stg_org__developer_emails') }}
),

otel_events as (
    select * from {{ ref('stg_otel__events') }}
),

directory_links as (
    select
        'email' as identifier_type,
        email as identifier_value,
        developer_id,
        1 as link_priority
    from developer_emails

    union all

    select
        'handle' as identifier_type,
        lower(handle) as identifier_value,
        developer_id,
        1 as link_priority
    from developers

    union all

    select
        'account_uuid' as identifier_type,
        claude_account_uuid as identifier_value,
        developer_id,
        1 as link_priority
    from developers
    where claude_account_uuid is not null
),

otel_observations as (
    select distinct
        user_email,
        account_uuid,
        anonymous_user_id
    from otel_events
),

otel_resolved as (
    -- An anonymous id or account seen together with a known email or account belongs to that developer.
    select
        otel_observations.account_uuid,
        otel_observations.anonymous_user_id,
        coalesce(by_email.developer_id, by_account.developer_id) as developer_id
    from otel_observations
    left join directory_links as by_email
        on
            by_email.identifier_type = 'email'
            and otel_observations.user_email = by_email.identifier_value
    left join directory_links as by_account
        on
            by_account.identifier_type = 'account_uuid'
            and otel_observations.account_uuid = by_account.identifier_value
),

otel_links as (
    select
        'anonymous_id' as identifier_type,
        anonymous_user_id as identifier_value,
        developer_id,
        2 as link_priority
    from otel_resolved
    where anonymous_user_id is not null and developer_id is not null

    union all

    select
        'account_uuid' as identifier_type,
        account_uuid as identifier_value,
        developer_id,
        2 as link_priority
    from otel_resolved
    where account_uuid is not null and developer_id is not null
),

all_links as (
    select * from directory_links
    union all
    select * from otel_links
),

ranked as (
    -- The directory wins over an observed link; among observed links, the most frequent developer.
    select
        identifier_type,
        identifier_value,
        developer_id,
        row_number() over (
            partition by identifier_type, identifier_value
            order by min(link_priority), count(*) desc, developer_id
        ) as link_rank
    from all_links
    group by identifier_type, identifier_value, developer_id
),

final as (
    select
        identifier_type,
        identifier_value,
        developer_id
    from ranked
    where link_rank = 1
)

select * from final

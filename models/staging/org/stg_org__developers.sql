with

directory as (
    select * from {{ source('org', 'org_directory') }}
),

extracted as (
    select
        _loaded_at as loaded_at,
        _source_file as source_file,
        _line_number as line_number,
        {{ json_text('record', '$.developer_id') }} as developer_id,
        {{ json_text('record', '$.name') }} as developer_name,
        {{ json_text('record', '$.handle') }} as handle,
        {{ json_text('record', '$.emails') }} as emails,
        {{ json_text('record', '$.team') }} as team,
        {{ json_text('record', '$.persona') }} as persona,
        {{ json_text('record', '$.manager_email') }} as manager_email,
        {{ json_text('record', '$.individual_sharing_opt_in') }} as individual_sharing_opt_in,
        {{ json_text('record', '$.licence_seat') }} as licence_seat,
        {{ json_text('record', '$.seat_monthly_cost_usd') }} as seat_monthly_cost_usd,
        {{ json_text('record', '$.claude_account_uuid') }} as claude_account_uuid
    from directory
),

latest as (
    -- A developer listed again in a later export: the latest export wins.
    select
        *,
        row_number() over (
            partition by developer_id
            order by loaded_at desc, source_file desc, line_number desc
        ) as recency_rank
    from extracted
),

final as (
    select
        developer_id,
        developer_name,
        handle,
        emails,
        team,
        persona,
        licence_seat,
        claude_account_uuid,
        cast(nullif(seat_monthly_cost_usd, '') as decimal(10, 2)) as seat_monthly_cost_usd,
        lower(split_part(emails, ';', 1)) as primary_email,
        lower(manager_email) as manager_email,
        lower(individual_sharing_opt_in) = 'true' as is_opted_in
    from latest
    where recency_rank = 1
)

select * from final

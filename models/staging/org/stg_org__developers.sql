with

directory as (
    select * from {{ source('org', 'org_directory') }}
),

latest as (
    -- A developer listed again in a later export: the latest export wins.
    select
        *,
        row_number() over (
            partition by json_extract_string(record, '$.developer_id')
            order by _loaded_at desc, _source_file desc, _line_number desc
        ) as recency_rank
    from directory
),

final as (
    select
        json_extract_string(record, '$.developer_id') as developer_id,
        json_extract_string(record, '$.name') as developer_name,
        json_extract_string(record, '$.handle') as handle,
        lower(split_part(json_extract_string(record, '$.emails'), ';', 1)) as primary_email,
        json_extract_string(record, '$.emails') as emails,
        json_extract_string(record, '$.team') as team,
        json_extract_string(record, '$.persona') as persona,
        lower(json_extract_string(record, '$.manager_email')) as manager_email,
        lower(json_extract_string(record, '$.individual_sharing_opt_in')) = 'true' as is_opted_in,
        json_extract_string(record, '$.licence_seat') as licence_seat,
        cast(json_extract_string(record, '$.seat_monthly_cost_usd') as decimal(10, 2)) as seat_monthly_cost_usd,
        json_extract_string(record, '$.claude_account_uuid') as claude_account_uuid
    from latest
    where recency_rank = 1
)

select * from final

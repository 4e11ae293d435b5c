with

developers as (
    select * from {{ ref('stg_org__developers') }}
),

exploded as (
    select
        developer_id,
        {{ explode("split(emails, ';')") }} as email
    from developers
),

final as (
    select
        developer_id,
        lower(trim(email)) as email
    from exploded
    where trim(email) <> ''
)

select * from final

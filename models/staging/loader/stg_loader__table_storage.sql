with

storage as (
    select * from {{ source('loader', 'table_storage') }}
),

final as (
    select
        table_schema,
        table_name,
        bytes_on_disk,
        batch_id,
        measured_at
    from storage
)

select * from final

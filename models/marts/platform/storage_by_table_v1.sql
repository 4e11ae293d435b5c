-- Storage per warehouse table, for capacity planning: the live catalog (a dispatched macro) and the bytes
-- the last load measured on disk.
with

storage as (
    {{ table_storage() }}
),

measured as (
    select * from {{ ref('stg_loader__table_storage') }}
),

final as (
    select
        cast(storage.table_schema as {{ dbt.type_string() }}) as table_schema,
        cast(storage.table_name as {{ dbt.type_string() }}) as table_name,
        cast(storage.estimated_rows as bigint) as estimated_rows,
        cast(storage.column_count as bigint) as column_count,
        cast(measured.bytes_on_disk as bigint) as bytes_on_disk,
        cast(measured.measured_at as timestamp) as bytes_measured_at
    from storage
    left join measured
        on
            storage.table_schema = measured.table_schema
            and storage.table_name = measured.table_name
)

select * from final

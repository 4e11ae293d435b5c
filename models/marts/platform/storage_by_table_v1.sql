-- Storage per warehouse table, for capacity planning (engine catalog via a dispatched macro).
with

storage as (
    {{ table_storage() }}
),

final as (
    select
        cast(table_schema as {{ dbt.type_string() }}) as table_schema,
        cast(table_name as {{ dbt.type_string() }}) as table_name,
        cast(estimated_rows as bigint) as estimated_rows,
        cast(column_count as bigint) as column_count
    from storage
)

select * from final

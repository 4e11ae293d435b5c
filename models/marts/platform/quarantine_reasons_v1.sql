-- Dead-letter depth by source and reason: what is failing to load, and since when.
with

quarantine as (
    select * from {{ ref('stg_loader__quarantine') }}
),

final as (
    select
        cast(source as {{ dbt.type_string() }}) as landing_source,
        cast(reason_class as {{ dbt.type_string() }}) as reason_class,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(count(*) as bigint) as quarantined_rows,
        cast(count(distinct source_file) as bigint) as files,
        cast(min(quarantined_at) as timestamp) as first_seen_at,
        cast(max(quarantined_at) as timestamp) as last_seen_at
    from quarantine
    group by source, reason_class, reason
)

select * from final

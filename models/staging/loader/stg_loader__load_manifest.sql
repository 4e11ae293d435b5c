with

manifest as (
    select * from {{ source('loader', 'load_manifest') }}
),

final as (
    select
        manifest_id,
        batch_id,
        source,
        path as source_file,
        action,
        size_bytes,
        loaded_bytes,
        first_line,
        last_line,
        lines_total,
        rows_loaded,
        rows_quarantined,
        rows_retracted,
        duplicate_of,
        loaded_at
    from manifest
)

select * from final

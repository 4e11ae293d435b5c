with

quarantine as (
    select * from {{ source('loader', 'quarantine') }}
),

final as (
    select
        _source_file as source_file,
        _line_number as line_number,
        _record_index as record_index,
        _batch_id as batch_id,
        _loaded_at as quarantined_at,
        source,
        reason,
        line_bytes,
        split_part(reason, ':', 1) as reason_class
    from quarantine
)

select * from final

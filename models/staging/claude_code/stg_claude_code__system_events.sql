with

records as (
    {{ with_landing_path(source('claude_code', 'claude_code_records')) }}
    where raw_rows.record_type = 'system'
),

final as (
    select
        session_id,
        _transcript_owner as transcript_owner,
        _source_file as source_file,
        _line_number as line_number,
        {{ row_key(['_landing_path', '_line_number']) }} as system_event_key,
        subtype,
        level as severity_level,
        {{ iso_to_utc('record_timestamp') }} as occurred_at,
        _loaded_at as loaded_at
    from records
)

select * from final

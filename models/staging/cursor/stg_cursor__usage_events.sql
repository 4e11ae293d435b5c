{#- Parsed once, as the OTel staging tables are (stg_otel__events): on DuckDB a run reads only the lines loaded
    since the newest it kept. Read as a view, fct_events parsed every row's JSON again (10 s of CPU at 10M). -#}
{{
    config(
        materialized=deduplicated_materialization(),
        incremental_strategy='append',
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale('cursor_usage_events') }}",
        post_hook="{{ remember_code() }}",
    )
}}
-- depends_on: {{ source('loader', 'load_manifest') }}

{%- set merging = merges_into_kept() %}
{%- set paths = [
    '$.Kind', '$.Model', '$.User', '$.Date', '$."Max Mode"', '$."Input (w/ Cache Write)"',
    '$."Input (w/o Cache Write)"', '$."Cache Read"', '$."Output Tokens"', '$."Total Tokens"', '$.Cost',
] %}

with

unread_events as (
    select * from {{ source('cursor', 'cursor_usage_events') }}
    where {{ unread_lines(merging) }}
),

usage_events as (
    {{ with_landing_path('unread_events') }}
),

parsed as (
    -- Every field's text from one parse of the record (json_texts).
    select
        *,
        {{ json_texts('record', paths) }} as record_texts
    from usage_events
),

final as (
    select
        {{ row_key(['_landing_path', '_line_number']) }} as usage_event_key,
        {{ json_text_at('record_texts', paths, '$.Kind') }} as usage_kind,
        {{ json_text_at('record_texts', paths, '$.Model') }} as model_name,
        _source_file as source_file,
        _line_number as line_number,
        _loaded_at as loaded_at,
        lower({{ json_text_at('record_texts', paths, '$.User') }}) as user_email,
        {{ iso_to_utc(json_text_at('record_texts', paths, '$.Date')) }} as occurred_at,
        {{ json_text_at('record_texts', paths, '$."Max Mode"') }} = 'Yes' as is_max_mode,
        -- The loader lets only whole numbers or blanks (no value) into the token fields (csv_rows.py).
        cast(nullif({{ json_text_at('record_texts', paths, '$."Input (w/ Cache Write)"') }}, '') as bigint)
            as input_with_cache_write_tokens,
        cast(nullif({{ json_text_at('record_texts', paths, '$."Input (w/o Cache Write)"') }}, '') as bigint)
            as input_tokens,
        cast(nullif({{ json_text_at('record_texts', paths, '$."Cache Read"') }}, '') as bigint) as cache_read_tokens,
        cast(nullif({{ json_text_at('record_texts', paths, '$."Output Tokens"') }}, '') as bigint) as output_tokens,
        cast(nullif({{ json_text_at('record_texts', paths, '$."Total Tokens"') }}, '') as bigint) as total_tokens,
        coalesce(try_cast(replace({{ json_text_at('record_texts', paths, '$.Cost') }}, '$', '') as double), 0)
            as cost_usd,
        {{ json_text_at('record_texts', paths, '$.Kind') }} like 'Errored%' as is_errored
    from parsed
)

select * from final

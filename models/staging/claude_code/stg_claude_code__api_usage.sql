{{
    config(
        materialized=deduplicated_materialization(),
        unique_key='api_request_key',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale('claude_code') }}",
        post_hook="{{ remember_code() }}",
    )
}}
-- depends_on: {{ source('loader', 'load_manifest') }}

{%- set merging = merges_into_kept() %}

with

records as (
    select * from {{ source('claude_code', 'claude_code_records') }}
    where
        record_type = 'assistant'
        and message_id is not null
        and {{ unread_lines(merging) }}
),

usage_lines as (
    select
        -- Per owner (two people's copies of a session are two people's usage): a missing request id keys as ''.
        {{ row_key(['_transcript_owner', 'message_id', 'request_id']) }} as api_request_key,
        message_id,
        _transcript_owner as transcript_owner,
        request_id,
        session_id,
        _is_subagent_file as is_subagent,
        model as model_name,
        {{ iso_to_utc('record_timestamp') }} as responded_at,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(cache_creation_tokens, 0) as cache_creation_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        _source_file as source_file,
        _line_number as line_number,
        _loaded_at as loaded_at
    from records
),

response_lines as (
    -- With what this model kept of the same responses: the largest line may be among them.
    {{ with_kept_rows('usage_lines', ['api_request_key'], merging) }}
),

largest as (
    -- Each response's line with the largest token total; the first such line when several tie.
    select
        api_request_key,
        message_id,
        transcript_owner,
        {{ first_by(
            [
                'request_id', 'session_id', 'is_subagent', 'model_name', 'responded_at', 'input_tokens',
                'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'source_file', 'line_number', 'loaded_at',
            ],
            ['-(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens)', 'source_file', 'line_number'],
        ) }} as kept
    from response_lines
    group by api_request_key, message_id, transcript_owner
),

final as (
    -- The kept line's fields by name (kept['x']): DuckDB and Spark read a struct alike.
    select
        api_request_key,
        message_id,
        transcript_owner,
        kept['request_id'] as request_id,
        kept['session_id'] as session_id,
        kept['is_subagent'] as is_subagent,
        kept['model_name'] as model_name,
        kept['responded_at'] as responded_at,
        kept['input_tokens'] as input_tokens,
        kept['output_tokens'] as output_tokens,
        kept['cache_creation_tokens'] as cache_creation_tokens,
        kept['cache_read_tokens'] as cache_read_tokens,
        kept['source_file'] as source_file,
        kept['line_number'] as line_number,
        kept['loaded_at'] as loaded_at
    from largest
)

select * from final

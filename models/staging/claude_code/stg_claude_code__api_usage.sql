with

records as (
    select * from {{ source('claude_code', 'claude_code_records') }}
    where record_type = 'assistant' and message_id is not null
),

usage_lines as (
    select
        message_id,
        request_id,
        session_id,
        _transcript_owner as transcript_owner,
        _is_subagent_file as is_subagent,
        model as model_name,
        _source_file as source_file,
        _line_number as line_number,
        {{ iso_to_utc('record_timestamp') }} as responded_at,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(cache_creation_tokens, 0) as cache_creation_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens
    from records
),

largest as (
    -- Per owner (two people's copies of a session are two people's usage), each response's line with the
    -- largest token total; the first such line when several tie.
    select
        transcript_owner,
        message_id,
        {{ first_by(
            [
                'request_id', 'session_id', 'is_subagent', 'model_name', 'responded_at', 'input_tokens',
                'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'source_file', 'line_number',
            ],
            ['-(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens)', 'source_file', 'line_number'],
        ) }} as kept
    from usage_lines
    group by transcript_owner, message_id, coalesce(request_id, '')
),

final as (
    -- The kept line's fields by name (kept['x']): DuckDB and Spark read a struct alike.
    select
        {{ row_key(['transcript_owner', 'message_id', "kept['request_id']"]) }} as api_request_key,
        message_id,
        kept['request_id'] as request_id,
        kept['session_id'] as session_id,
        transcript_owner,
        kept['is_subagent'] as is_subagent,
        kept['model_name'] as model_name,
        kept['responded_at'] as responded_at,
        kept['input_tokens'] as input_tokens,
        kept['output_tokens'] as output_tokens,
        kept['cache_creation_tokens'] as cache_creation_tokens,
        kept['cache_read_tokens'] as cache_read_tokens,
        kept['source_file'] as source_file,
        kept['line_number'] as line_number
    from largest
)

select * from final

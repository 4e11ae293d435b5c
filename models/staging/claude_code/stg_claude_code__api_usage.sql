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
        coalesce(cast({{ json_text('record', '$.message.usage.input_tokens') }} as bigint), 0) as input_tokens,
        coalesce(cast({{ json_text('record', '$.message.usage.output_tokens') }} as bigint), 0) as output_tokens,
        coalesce(
            cast({{ json_text('record', '$.message.usage.cache_creation_input_tokens') }} as bigint), 0
        ) as cache_creation_tokens,
        coalesce(
            cast({{ json_text('record', '$.message.usage.cache_read_input_tokens') }} as bigint), 0
        ) as cache_read_tokens
    from records
),

ranked as (
    select
        *,
        row_number() over (
            -- Per owner: two people's copies of a session are two people's usage.
            partition by transcript_owner, message_id, coalesce(request_id, '')
            order by
                input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens desc,
                source_file asc,
                line_number asc
        ) as repeat_rank
    from usage_lines
),

final as (
    select
        {{ row_key(['transcript_owner', 'message_id', 'request_id']) }} as api_request_key,
        message_id,
        request_id,
        session_id,
        transcript_owner,
        is_subagent,
        model_name,
        responded_at,
        input_tokens,
        output_tokens,
        cache_creation_tokens,
        cache_read_tokens,
        source_file,
        line_number
    from ranked
    where repeat_rank = 1
)

select * from final

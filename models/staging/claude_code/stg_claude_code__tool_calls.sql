with

records as (
    select * from {{ source('claude_code', 'claude_code_records') }}
    where record_type in ('user', 'assistant') and content_blocks is not null
),

blocks as (
    select
        record_type,
        session_id,
        message_id,
        model as model_name,
        tool_use_result,
        _transcript_owner as transcript_owner,
        {{ iso_to_utc('record_timestamp') }} as recorded_at,
        {{ explode('content_blocks') }} as block
    from records
),

tool_uses as (
    select
        blocks.block.tool_use_id,
        blocks.block.tool_name,
        blocks.block.command_kind,
        blocks.block.input_bytes,
        blocks.session_id,
        blocks.message_id,
        blocks.model_name,
        blocks.transcript_owner,
        blocks.recorded_at as called_at,
        row_number() over (
            partition by blocks.transcript_owner, blocks.block.tool_use_id order by blocks.recorded_at
        ) as sighting
    from blocks
    where
        blocks.record_type = 'assistant'
        and blocks.block.kind = 'tool_use'
        and blocks.block.tool_use_id is not null
),

tool_results as (
    select
        blocks.block.tool_use_id,
        blocks.block.result_kind,
        blocks.block.result_bytes,
        blocks.transcript_owner,
        blocks.recorded_at as returned_at,
        coalesce(blocks.block.is_error, false) as is_error,
        coalesce(blocks.tool_use_result.lines_added, 0) as lines_added,
        coalesce(blocks.tool_use_result.lines_removed, 0) as lines_removed,
        row_number() over (
            partition by blocks.transcript_owner, blocks.block.tool_use_id order by blocks.recorded_at
        ) as sighting
    from blocks
    where
        blocks.record_type = 'user'
        and blocks.block.kind = 'tool_result'
        and blocks.block.tool_use_id is not null
),

final as (
    select
        tool_uses.tool_use_id,
        tool_uses.session_id,
        tool_uses.message_id,
        tool_uses.model_name,
        tool_uses.transcript_owner,
        tool_uses.tool_name,
        tool_uses.command_kind,
        tool_uses.input_bytes,
        tool_uses.called_at,
        tool_results.returned_at,
        tool_results.result_bytes,
        tool_results.is_error,
        tool_results.lines_added,
        tool_results.lines_removed,
        coalesce(tool_results.result_kind, 'no_result') as outcome,
        {{ seconds_between('tool_uses.called_at', 'tool_results.returned_at') }} as duration_seconds
    from tool_uses
    left join tool_results
        on
            tool_uses.transcript_owner = tool_results.transcript_owner
            and tool_uses.tool_use_id = tool_results.tool_use_id
            and tool_results.sighting = 1
    where tool_uses.sighting = 1
)

select * from final

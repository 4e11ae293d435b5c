with

tool_uses as (
    select * from {{ ref('base_claude_code__tool_uses') }}
),

tool_results as (
    select * from {{ ref('base_claude_code__tool_results') }}
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
)

select * from final

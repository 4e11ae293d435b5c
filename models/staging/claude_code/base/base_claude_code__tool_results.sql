{{
    config(
        materialized=deduplicated_materialization(),
        unique_key=['transcript_owner', 'tool_use_id'],
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
        record_type = 'user'
        and content_blocks is not null
        and {{ unread_lines(merging) }}
),

blocks as (
    select
        tool_use_result,
        _transcript_owner as transcript_owner,
        _source_file as source_file,
        _line_number as line_number,
        _loaded_at as loaded_at,
        {{ iso_to_utc('record_timestamp') }} as returned_at,
        {{ explode('content_blocks') }} as block
    from records
),

tool_results as (
    select
        blocks.block.tool_use_id,
        blocks.transcript_owner,
        blocks.block.result_kind,
        blocks.block.result_bytes,
        blocks.returned_at,
        blocks.source_file,
        blocks.line_number,
        blocks.loaded_at,
        coalesce(blocks.block.is_error, false) as is_error,
        coalesce(blocks.tool_use_result.lines_added, 0) as lines_added,
        coalesce(blocks.tool_use_result.lines_removed, 0) as lines_removed
    from blocks
    where blocks.block.kind = 'tool_result' and blocks.block.tool_use_id is not null
),

sightings as (
    -- With what this model kept of the same results: the first sighting may be among them.
    {{ with_kept_rows('tool_results', ['transcript_owner', 'tool_use_id'], merging) }}
),

deduplicated as (
    -- A resumed session replays earlier results: keep the owner's first sighting. A result is kept even
    -- before its call is loaded (a file synced out of order), so the call finds it whenever it comes.
    select
        *,
        row_number() over (
            partition by transcript_owner, tool_use_id order by returned_at, source_file, line_number
        ) as sighting
    from sightings
),

final as (
    select
        tool_use_id,
        transcript_owner,
        result_kind,
        result_bytes,
        returned_at,
        is_error,
        lines_added,
        lines_removed,
        source_file,
        line_number,
        loaded_at
    from deduplicated
    where sighting = 1
)

select * from final

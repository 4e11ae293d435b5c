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
        record_type = 'assistant'
        and content_blocks is not null
        and {{ unread_lines(merging) }}
),

blocks as (
    select
        session_id,
        message_id,
        model as model_name,
        _transcript_owner as transcript_owner,
        _source_file as source_file,
        _line_number as line_number,
        _loaded_at as loaded_at,
        {{ iso_to_utc('record_timestamp') }} as called_at,
        {{ explode('content_blocks') }} as block
    from records
),

tool_uses as (
    select
        blocks.block.tool_use_id,
        blocks.transcript_owner,
        blocks.session_id,
        blocks.message_id,
        blocks.model_name,
        blocks.block.tool_name,
        blocks.block.command_kind,
        blocks.block.input_bytes,
        blocks.called_at,
        blocks.source_file,
        blocks.line_number,
        blocks.loaded_at
    from blocks
    where blocks.block.kind = 'tool_use' and blocks.block.tool_use_id is not null
),

sightings as (
    -- With what this model kept of the same calls: the first sighting may be among them.
    {{ with_kept_rows('tool_uses', ['transcript_owner', 'tool_use_id'], merging) }}
),

deduplicated as (
    -- A resumed session replays earlier calls: keep the owner's first sighting.
    select
        *,
        row_number() over (
            partition by transcript_owner, tool_use_id order by called_at, source_file, line_number
        ) as sighting
    from sightings
),

final as (
    select
        tool_use_id,
        transcript_owner,
        session_id,
        message_id,
        model_name,
        tool_name,
        command_kind,
        input_bytes,
        called_at,
        source_file,
        line_number,
        loaded_at
    from deduplicated
    where sighting = 1
)

select * from final

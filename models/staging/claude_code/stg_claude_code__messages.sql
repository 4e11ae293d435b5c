{{
    config(
        materialized=deduplicated_materialization(),
        unique_key=['transcript_owner', 'message_uuid'],
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale('claude_code') }}",
        post_hook="{{ remember_code() }}",
    )
}}
-- depends_on: {{ source('loader', 'load_manifest') }}

{%- set merging = merges_into_kept() %}
{%- set message_key = ['transcript_owner', 'message_uuid'] %}

-- Each CTE up to `sightings` is computed again where it is read: inlined, `sightings` reads each of them three
-- times, and DuckDB would hold any CTE read more than once whole (at 1M transcript lines 1.1 GB of messages, the
-- query 0.63 s against 0.36 s). Each reader's filter then reaches the raw scan.
with

records as {{ not_materialized() }} (
    select * from {{ source('claude_code', 'claude_code_records') }}
    where
        record_type in ('user', 'assistant')
        and {{ unread_lines(merging) }}
),

renamed as {{ not_materialized() }} (
    select
        uuid as message_uuid,
        parent_uuid,
        session_id,
        record_type as message_role,
        message_id,
        request_id,
        model as model_name,
        _transcript_owner as transcript_owner,
        _is_subagent_file as is_subagent,
        _source_file as source_file,
        _line_number as line_number,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        {{ first_element('content_blocks') }}.kind as first_block_kind,
        {{ first_element('content_blocks') }}.chars as first_block_chars,
        {{ first_element('content_blocks') }}.slash_command as slash_command,
        {{ iso_to_utc('record_timestamp') }} as sent_at,
        cwd,
        git_branch,
        client_version,
        user_type,
        agent_id,
        coalesce(is_sidechain, false) as is_sidechain,
        coalesce(is_meta, false) as is_meta
    from records
),

messages as {{ not_materialized() }} (
    select
        message_uuid,
        parent_uuid,
        session_id,
        message_role,
        message_id,
        request_id,
        model_name,
        transcript_owner,
        is_subagent,
        source_file,
        line_number,
        batch_id,
        loaded_at,
        slash_command,
        sent_at,
        cwd,
        git_branch,
        client_version,
        user_type,
        agent_id,
        is_sidechain,
        is_meta,
        -- The loader keeps the working directory only as an opaque id; the project is that id.
        cwd as project,
        message_role = 'user' and first_block_kind = 'text' and not is_meta and not is_sidechain as is_prompt,
        case when message_role = 'user' and first_block_kind = 'text' then first_block_chars end as prompt_chars
    from renamed
),

sightings as {{ not_materialized() }} (
    -- With what this model kept of the same messages: the first sighting may be among them.
    {{ with_kept_rows('messages', message_key, merging) }}
),

repeated_sightings as (
    {{ repeated_keys('sightings', message_key) }}
),

deduplicated as (
    -- A resumed session replays earlier lines (same uuid) into a new file: keep the owner's first sighting.
    {{ first_row_per_key('sightings', 'repeated_sightings', message_key, ['sent_at', 'source_file', 'line_number']) }}
),

final as (
    select
        message_uuid,
        parent_uuid,
        session_id,
        message_role,
        message_id,
        request_id,
        model_name,
        transcript_owner,
        is_subagent,
        source_file,
        line_number,
        batch_id,
        loaded_at,
        slash_command,
        sent_at,
        cwd,
        git_branch,
        client_version,
        user_type,
        agent_id,
        is_sidechain,
        is_meta,
        project,
        is_prompt,
        prompt_chars
    from deduplicated
)

select * from final

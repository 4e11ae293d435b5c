{#- A row per raw row, parsed once: on DuckDB the table keeps what it parsed and a run reads only the lines loaded
    since the newest it kept (a retraction or a change of this SQL rebuilds it; macros/incremental.sql). Read
    as a view, every reader (fct_events, the tests) parsed all the attributes again: at 10M transcript lines,
    27 s of the 167 s of CPU time of fct_events' incremental build. -#}
{{
    config(
        materialized=deduplicated_materialization(),
        incremental_strategy='append',
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale('otel') }}",
        post_hook="{{ remember_code() }}",
    )
}}
-- depends_on: {{ source('loader', 'load_manifest') }}

{%- set merging = merges_into_kept() %}

with

unread_records as (
    select * from {{ source('otel', 'otel_log_records') }}
    where {{ unread_lines(merging) }}
),

log_records as (
    {{ with_landing_path('unread_records') }}
),

renamed as (
    select
        {{ row_key(['_landing_path', '_line_number', '_record_index']) }}
            as otel_event_key,
        attributes['session.id'] as session_id,
        attributes['user.id'] as anonymous_user_id,
        attributes['user.account_uuid'] as account_uuid,
        attributes['organization.id'] as organization_id,
        attributes['terminal.type'] as terminal_type,
        attributes['model'] as model_name,
        attributes['tool_name'] as tool_name,
        attributes['decision'] as decision,
        attributes['source'] as decision_source,
        attributes['status_code'] as status_code,
        attributes['request_id'] as request_id,
        resource_attributes['service.version'] as client_version,
        _source_file as source_file,
        _line_number as line_number,
        _record_index as record_index,
        _loaded_at as loaded_at,
        lower(attributes['user.email']) as user_email,
        coalesce(attributes['event.name'], replace(body, 'claude_code.', '')) as otel_event_name,
        coalesce(
            {{ iso_to_utc("attributes['event.timestamp']") }}, {{ epoch_ns_to_utc('time_unix_nano') }}
        ) as occurred_at,
        lower(attributes['success']) = 'true' as is_success,
        try_cast(attributes['duration_ms'] as double) as duration_ms,
        try_cast(attributes['input_tokens'] as bigint) as input_tokens,
        try_cast(attributes['output_tokens'] as bigint) as output_tokens,
        try_cast(attributes['cache_read_tokens'] as bigint) as cache_read_tokens,
        try_cast(attributes['cache_creation_tokens'] as bigint) as cache_creation_tokens,
        try_cast(attributes['cost_usd'] as double) as cost_usd,
        try_cast(attributes['prompt_length'] as bigint) as prompt_length,
        try_cast(attributes['attempt'] as integer) as attempt,
        try_cast(attributes['event.sequence'] as bigint) as event_sequence
    from log_records
),

final as (
    select * from renamed
)

select * from final

{#- A row per raw row, parsed once: on DuckDB the table keeps what it parsed and a run reads only the lines loaded
    since the newest it kept (a retraction or a change of this SQL rebuilds it; macros/incremental.sql). Read
    as a view, every reader (fct_events, the tests) parsed all the attributes again: 2.8M points at 10M
    transcript lines, for each of its tests. -#}
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

unread_points as (
    select * from {{ source('otel', 'otel_metric_points') }}
    where {{ unread_lines(merging) }}
),

points as (
    {{ with_landing_path('unread_points') }}
),

final as (
    select
        {{ row_key(['_landing_path', '_line_number', '_record_index']) }}
            as metric_point_key,
        metric_name,
        metric_unit,
        metric_type,
        aggregation_temporality,
        is_monotonic,
        attributes['session.id'] as session_id,
        attributes['user.id'] as anonymous_user_id,
        attributes['user.account_uuid'] as account_uuid,
        attributes['type'] as point_type,
        attributes['model'] as model_name,
        attributes['tool'] as tool_name,
        attributes['decision'] as decision,
        attributes['language'] as code_language,
        resource_attributes['service.version'] as client_version,
        _source_file as source_file,
        _line_number as line_number,
        _loaded_at as loaded_at,
        lower(attributes['user.email']) as user_email,
        {{ epoch_ns_to_utc('start_time_unix_nano') }} as started_at,
        {{ epoch_ns_to_utc('time_unix_nano') }} as observed_at,
        coalesce(as_double, cast(as_int as double)) as point_value
    from points
)

select * from final

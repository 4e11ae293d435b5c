with

points as (
    {{ with_landing_path(source('otel', 'otel_metric_points')) }}
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
        lower(attributes['user.email']) as user_email,
        {{ epoch_ns_to_utc('start_time_unix_nano') }} as started_at,
        {{ epoch_ns_to_utc('time_unix_nano') }} as observed_at,
        coalesce(as_double, cast(as_int as double)) as point_value
    from points
)

select * from final

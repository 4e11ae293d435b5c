-- Freshness and processing latency per source: newest data, when it was loaded, how far behind it is.
with

manifest as (
    select * from {{ ref('stg_loader__load_manifest') }}
),

messages as (
    select * from {{ ref('stg_claude_code__messages') }}
),

otel_events as (
    select * from {{ ref('stg_otel__events') }}
),

cursor_requests as (
    select * from {{ ref('stg_cursor__usage_events') }}
),

cursor_daily as (
    select * from {{ ref('stg_cursor__daily_usage') }}
),

loads as (
    select
        source,
        max(loaded_at) as last_loaded_at,
        count(distinct source_file) as files,
        sum(rows_loaded) as rows_loaded
    from manifest
    group by source
),

newest_events as (
    select
        'claude_code' as landing_source,
        max(sent_at) as newest_event_at
    from messages
    union all
    select
        'otel' as landing_source,
        max(occurred_at) as newest_event_at
    from otel_events
    union all
    select
        'cursor_usage_events' as landing_source,
        max(occurred_at) as newest_event_at
    from cursor_requests
    union all
    select
        'cursor_daily_usage' as landing_source,
        cast(max(usage_date) as timestamp) as newest_event_at
    from cursor_daily
),

final as (
    select
        cast(loads.source as {{ dbt.type_string() }}) as landing_source,
        cast(loads.last_loaded_at as timestamp) as last_loaded_at,
        cast(newest_events.newest_event_at as timestamp) as newest_event_at,
        cast(loads.files as bigint) as files,
        cast(loads.rows_loaded as bigint) as rows_loaded,
        cast(
            {{ seconds_between('newest_events.newest_event_at', 'cast(loads.last_loaded_at as timestamp)') }} / 3600.0
            as double
        ) as hours_behind_at_load
    from loads
    left join newest_events on loads.source = newest_events.landing_source
)

select * from final

-- Freshness per load run for the platform persona: from the newest transcript line a run loaded (its event
-- time) to the load, and to the first publish of developer files after it (the fresh path's or a full run's).
-- Latencies and counts only: no developer, session or project.
with

batches as (
    select * from {{ ref('stg_loader__load_batches') }}
),

messages as (
    select * from {{ ref('stg_claude_code__messages') }}
),

publishes as (
    select * from {{ ref('stg_loader__publish_log') }}
    where is_published and validation_outcome = 'passed' and audience = 'developer'
),

batch_events as (
    select
        batch_id,
        max(sent_at) as newest_event_at,
        count(*) as lines_loaded
    from messages
    group by batch_id
),

loaded as (
    select
        batch_events.batch_id,
        batch_events.newest_event_at,
        batch_events.lines_loaded,
        cast(batches.finished_at as timestamp) as loaded_at
    from batch_events
    inner join batches on batch_events.batch_id = batches.batch_id
    where batches.status = 'complete'
),

first_publish as (
    select
        loaded.batch_id,
        min(cast(publishes.published_at as timestamp)) as published_at
    from loaded
    inner join publishes on cast(publishes.published_at as timestamp) >= loaded.loaded_at
    group by loaded.batch_id
),

final as (
    select
        cast(loaded.batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(loaded.loaded_at as timestamp) as loaded_at,
        cast(first_publish.published_at as timestamp) as published_at,
        cast(loaded.lines_loaded as bigint) as lines_loaded,
        cast({{ seconds_between('loaded.newest_event_at', 'loaded.loaded_at') }} as double) as event_to_load_seconds,
        cast(
            {{ seconds_between('loaded.loaded_at', 'first_publish.published_at') }} as double
        ) as load_to_publish_seconds,
        cast(
            {{ seconds_between('loaded.newest_event_at', 'first_publish.published_at') }} as double
        ) as event_to_publish_seconds
    from loaded
    left join first_publish on loaded.batch_id = first_publish.batch_id
)

select * from final

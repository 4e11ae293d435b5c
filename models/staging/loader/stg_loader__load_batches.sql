with

batches as (
    select * from {{ source('loader', 'load_batches') }}
),

final as (
    select
        batch_id,
        started_at,
        finished_at,
        status,
        files_seen,
        files_loaded,
        lines_loaded,
        rows_quarantined,
        {{ seconds_between('started_at', 'finished_at') }} as duration_seconds
    from batches
)

select * from final

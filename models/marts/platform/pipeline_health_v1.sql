-- Pipeline health per load run for the platform persona: volumes, dead-letter depth, latency. No user activity.
with

batches as (
    select * from {{ ref('stg_loader__load_batches') }}
),

manifest as (
    select * from {{ ref('stg_loader__load_manifest') }}
),

quarantine as (
    select * from {{ ref('stg_loader__quarantine') }}
),

per_batch as (
    select
        batch_id,
        count(distinct source_file) as files_touched,
        sum(rows_retracted) as rows_retracted,
        sum(case when action = 'duplicate' then 1 else 0 end) as duplicate_files,
        sum(case when action = 'replaced' then 1 else 0 end) as replaced_files,
        sum(loaded_bytes) as bytes_accounted
    from manifest
    group by batch_id
),

dead_letters as (
    select
        batch_id,
        count(*) as quarantined_rows
    from quarantine
    group by batch_id
),

final as (
    select
        cast(batches.batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(batches.started_at as timestamp) as started_at,
        cast(batches.status as {{ dbt.type_string() }}) as status,
        cast(batches.duration_seconds as double) as duration_seconds,
        cast(coalesce(batches.files_seen, 0) as bigint) as files_seen,
        cast(coalesce(per_batch.files_touched, 0) as bigint) as files_loaded,
        cast(coalesce(batches.lines_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(dead_letters.quarantined_rows, 0) as bigint) as rows_quarantined,
        cast(coalesce(per_batch.rows_retracted, 0) as bigint) as rows_retracted,
        cast(coalesce(per_batch.duplicate_files, 0) as bigint) as duplicate_files,
        cast(coalesce(per_batch.replaced_files, 0) as bigint) as replaced_files,
        cast(
            case
                when coalesce(batches.lines_loaded, 0) + coalesce(dead_letters.quarantined_rows, 0) > 0
                    then
                        coalesce(dead_letters.quarantined_rows, 0) * 1.0
                        / (coalesce(batches.lines_loaded, 0) + coalesce(dead_letters.quarantined_rows, 0))
                else 0
            end as double
        ) as quarantine_rate,
        cast(
            case when batches.duration_seconds > 0 then batches.lines_loaded / batches.duration_seconds end
            as double
        ) as rows_per_second
    from batches
    left join per_batch on batches.batch_id = per_batch.batch_id
    left join dead_letters on batches.batch_id = dead_letters.batch_id
)

select * from final

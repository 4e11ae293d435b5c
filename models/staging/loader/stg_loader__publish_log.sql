with

publish_log as (
    select * from {{ source('loader', 'publish_log') }}
),

final as (
    select
        version as publish_version,
        audience,
        published_at,
        git_commit,
        validation_outcome,
        failed_checks,
        row_counts,
        published as is_published
    from publish_log
)

select * from final

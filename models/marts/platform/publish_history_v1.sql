-- Every publish attempt per audience: what was published, when, from which commit, or why it was held back.
with

publish_log as (
    select * from {{ ref('stg_loader__publish_log') }}
),

final as (
    select
        cast(publish_version as {{ dbt.type_string() }}) as publish_version,
        cast(audience as {{ dbt.type_string() }}) as audience,
        cast(published_at as timestamp) as published_at,
        cast(git_commit as {{ dbt.type_string() }}) as git_commit,
        cast(validation_outcome as {{ dbt.type_string() }}) as validation_outcome,
        cast(failed_checks as {{ dbt.type_string() }}) as failed_checks,
        cast(is_published as boolean) as is_published
    from publish_log
)

select * from final

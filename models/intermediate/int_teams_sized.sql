-- Directory teams with their size, and whether they are big enough to be reported on (k-anonymity):
-- the one place the minimum group size is applied to teams.
with

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

final as (
    select
        team,
        count(*) as members,
        count(*) >= {{ var('min_group_size') }} as is_reportable
    from developers
    where is_in_directory
    group by team
)

select * from final

with

events as (
    select * from {{ ref('fct_events') }}
    where
        event_name in ('prompt_submitted', 'ai_request_completed', 'edit_accepted', 'commit_created')
        and source_kind not like 'cursor:daily%'
),

final as (
    select
        cast(developer_id as {{ dbt.type_string() }}) as developer_id,
        cast(extract(hour from occurred_at) as integer) as hour_of_day_utc,
        cast(count(distinct event_date) as bigint) as active_days,
        cast(
            sum(case when event_name in ('prompt_submitted', 'ai_request_completed') then quantity else 0 end)
            as bigint
        ) as interactions,
        cast(sum(case when event_name in ('edit_accepted', 'commit_created') then quantity else 0 end) as bigint)
            as outputs
    from events
    group by developer_id, extract(hour from occurred_at)
)

select * from final

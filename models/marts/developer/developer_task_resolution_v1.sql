-- Time to resolution by task type, per developer and week.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        cast(developer_id as {{ dbt.type_string() }}) as developer_id,
        cast({{ dbt.date_trunc('week', 'session_date') }} as date) as week_start,
        cast(task_type as {{ dbt.type_string() }}) as task_type,
        cast(count(*) as bigint) as sessions,
        cast(sum(case when outcome = 'succeeded' then 1 else 0 end) as bigint) as sessions_succeeded,
        cast(median(duration_seconds) / 60.0 as double) as median_session_minutes,
        cast(median(case when outcome = 'succeeded' then duration_seconds end) / 60.0 as double)
            as median_minutes_to_resolution,
        cast(sum(total_tokens) as bigint) as total_tokens
    from sessions
    group by developer_id, {{ dbt.date_trunc('week', 'session_date') }}, task_type
)

select * from final

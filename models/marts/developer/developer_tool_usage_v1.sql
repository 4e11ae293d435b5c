-- Tool and feature usage breakdown with error rates by interaction type, per developer and week.
with

events as (
    select * from {{ ref('fct_events') }}
    where is_tool_call or event_object in ('ai_request', 'slash_command', 'tab_completion', 'feature')
),

final as (
    select
        cast(developer_id as {{ dbt.type_string() }}) as developer_id,
        cast({{ dbt.date_trunc('week', 'event_date') }} as date) as week_start,
        cast(tool as {{ dbt.type_string() }}) as tool,
        cast(coalesce(tool_name, event_object) as {{ dbt.type_string() }}) as feature,
        cast(sum(quantity) as bigint) as uses,
        cast(sum(case when outcome = 'error' then quantity else 0 end) as bigint) as failures,
        cast(sum(case when outcome = 'error' then quantity else 0 end) * 1.0 / sum(quantity) as double)
            as failure_rate,
        cast(median(duration_seconds) as double) as median_duration_seconds
    from events
    group by developer_id, {{ dbt.date_trunc('week', 'event_date') }}, tool, coalesce(tool_name, event_object)
)

select * from final

-- Task and interaction patterns: how sessions of each persona and tool unfold and end; anonymised.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        cast(tool as {{ dbt.type_string() }}) as tool,
        cast(coalesce(persona, 'unknown') as {{ dbt.type_string() }}) as persona,
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        cast(count(*) as bigint) as sessions,
        cast(count(distinct developer_id) as bigint) as developers,
        cast(median(duration_seconds) / 60.0 as double) as median_duration_minutes,
        cast(median(prompts) as double) as median_prompts,
        cast(median(tool_calls) as double) as median_tool_calls,
        cast(avg(retries) as double) as mean_retries,
        cast(median(total_tokens) as double) as median_tokens
    from sessions
    group by tool, coalesce(persona, 'unknown'), outcome
    having count(distinct developer_id) >= {{ var('min_group_size') }}
)

select * from final

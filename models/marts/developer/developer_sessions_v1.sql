-- A developer's own sessions, one row each: when, with which tool, how long, what it cost and how it ended.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        cast(developer_id as {{ dbt.type_string() }}) as developer_id,
        cast(session_key as {{ dbt.type_string() }}) as session_key,
        cast(session_date as date) as activity_date,
        cast(started_at as timestamp) as started_at,
        cast(tool as {{ dbt.type_string() }}) as tool,
        cast(task_type as {{ dbt.type_string() }}) as task_type,
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        cast(duration_seconds / 60.0 as double) as duration_minutes,
        cast(active_seconds as double) / 60.0 as active_minutes,
        cast(prompts as bigint) as prompts,
        cast(tool_calls as bigint) as tool_calls,
        cast(tool_failures as bigint) as tool_failures,
        cast(total_tokens as bigint) as total_tokens,
        cast(cost_usd as double) as cost_usd,
        cast(edits_accepted as bigint) as edits_accepted,
        cast(commits as bigint) as commits
    from sessions
)

select * from final

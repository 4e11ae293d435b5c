with

daily as (
    select * from {{ ref('developer_daily', v=1) }}
),

final as (
    select
        developer_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start,
        cast(min(team) as {{ dbt.type_string() }}) as team,
        cast(count(*) as bigint) as active_days,
        cast(sum(sessions) as bigint) as sessions,
        cast(sum(sessions_succeeded) as bigint) as sessions_succeeded,
        cast(sum(prompts) as bigint) as prompts,
        cast(sum(input_tokens) as bigint) as input_tokens,
        cast(sum(output_tokens) as bigint) as output_tokens,
        cast(sum(cache_creation_tokens) as bigint) as cache_creation_tokens,
        cast(sum(cache_read_tokens) as bigint) as cache_read_tokens,
        cast(sum(total_tokens) as bigint) as total_tokens,
        cast(sum({{ money('cost_usd') }}) as double) as cost_usd,
        cast(sum(lines_added) as bigint) as lines_added,
        cast(sum(lines_removed) as bigint) as lines_removed,
        cast(sum(tool_calls) as bigint) as tool_calls,
        cast(sum(tool_failures) as bigint) as tool_failures,
        cast(case when sum(tool_calls) > 0 then sum(tool_failures) * 1.0 / sum(tool_calls) end as double)
            as tool_error_rate,
        cast(sum(edits_accepted) as bigint) as edits_accepted,
        cast(sum(commits) as bigint) as commits,
        cast(sum(pull_requests) as bigint) as pull_requests,
        cast(sum({{ money('active_minutes') }}) as double) as active_minutes
    from daily
    group by developer_id, {{ dbt.date_trunc('week', 'activity_date') }}
)

select * from final

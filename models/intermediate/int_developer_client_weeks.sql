-- Each developer's Claude Code sessions per week and client version, with what the rollout analysis
-- compares (sessions, succeeded sessions, cost): the input of rollout_effects.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
    where tool = 'claude_code' and client_version is not null
),

final as (
    select
        developer_id,
        cast({{ dbt.date_trunc('week', 'session_date') }} as date) as week_start,
        client_version,
        count(*) as sessions,
        sum(case when outcome = 'succeeded' then 1 else 0 end) as sessions_succeeded,
        sum(cost_usd) as cost_usd
    from sessions
    group by developer_id, cast({{ dbt.date_trunc('week', 'session_date') }} as date), client_version
)

select * from final

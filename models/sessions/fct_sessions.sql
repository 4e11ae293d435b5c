{#- Incremental for any arrival order: every session is computed from its events, and a run writes only the
    sessions whose row differs from what is built (a late line, a replaced file), with a tombstone for a
    session whose events are all gone, removed by the post-hook. -#}
{%- set fingerprinted = [
    'session_key', 'tool', 'session_id', 'developer_id', 'team', 'persona', 'project', 'git_branch',
    'client_version', 'started_at', 'ended_at', 'events', 'active_seconds', 'prompts', 'ai_requests',
    'tool_calls', 'tool_failures', 'retries', 'request_errors', 'input_tokens', 'output_tokens',
    'cache_creation_tokens', 'cache_read_tokens', 'cost_usd', 'lines_added', 'lines_removed', 'edits_accepted',
    'edits_rejected', 'commits', 'pull_requests', 'last_outcome', 'successful_actions', 'edit_attempts',
    'test_runs', 'exploration_calls', 'task_type', 'outcome',
] -%}
{{
    config(
        materialized='incremental',
        unique_key='session_key',
        incremental_strategy=incremental_strategy(),
        on_schema_change='fail',
        post_hook="{{ delete_tombstones('events') }}",
    )
}}

with

events as (
    select * from {{ ref('fct_events') }}
    where event_name is not null
),

tool_sessions as (
    -- Claude Code names its sessions: their id is the session, of the developer whose files hold it (two
    -- people's copies of one session are two sessions).
    select
        *,
        'claude_code:' || developer_id || ':' || session_id as session_key
    from events
    where tool = 'claude_code' and session_id is not null
),

cursor_requests as (
    select
        event_key,
        developer_id,
        occurred_at,
        lag(occurred_at) over (partition by developer_id order by occurred_at, event_key) as previous_at
    from events
    where tool = 'cursor' and event_object = 'ai_request'
),

cursor_numbered as (
    -- Cursor exports carry no session id: a gap longer than the inactivity cut-off starts a new session.
    select
        event_key,
        developer_id,
        sum(
            case
                when
                    previous_at is null
                    or occurred_at > {{ dbt.dateadd('minute', var('session_inactivity_minutes'), 'previous_at') }}
                    then 1
                else 0
            end
        ) over (
            partition by developer_id order by occurred_at, event_key rows between unbounded preceding and current row
        ) as session_number
    from cursor_requests
),

cursor_sessions as (
    select
        events.*,
        'cursor:'
        || cursor_numbered.developer_id
        || ':'
        || cast(cursor_numbered.session_number as {{ dbt.type_string() }}) as session_key
    from events
    inner join cursor_numbered on events.event_key = cursor_numbered.event_key
),

sessioned as (
    select * from tool_sessions
    union all
    select * from cursor_sessions
),

sequenced as (
    select
        *,
        lag(occurred_at) over (partition by session_key order by occurred_at, event_key) as previous_at,
        lag(tool_name) over (
            partition by session_key, is_tool_call order by occurred_at, event_key
        ) as previous_tool_name,
        lag(outcome) over (partition by session_key, is_tool_call order by occurred_at, event_key) as previous_outcome,
        row_number() over (partition by session_key order by occurred_at desc, event_key desc) as reverse_position
    from sessioned
),

aggregated as (
    select
        session_key,
        min(tool) as tool,
        min(session_id) as session_id,
        min(developer_id) as developer_id,
        min(team) as team,
        min(persona) as persona,
        min(project) as project,
        min(git_branch) as git_branch,
        min(client_version) as client_version,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        count(*) as events,
        -- Whole milliseconds: an exact sum, whatever order the rows are added in. The last event's own time
        -- (reading the last answer) is var session_last_event_seconds, so a one-event session is not 0.
        cast((sum(
            case
                when previous_at is null then 0
                else cast(round(least(
                    {{ seconds_between('previous_at', 'occurred_at') }}, {{ var('session_inactivity_minutes') }} * 60
                ) * 1000) as bigint)
            end
        ) + {{ var('session_last_event_seconds') }} * 1000) / 1000.0 as decimal(18, 3)) as active_seconds,
        sum(case when event_name = 'prompt_submitted' then quantity else 0 end) as prompts,
        sum(case when event_object = 'ai_request' then quantity else 0 end) as ai_requests,
        sum(case when is_tool_call then quantity else 0 end) as tool_calls,
        sum(case when is_tool_call and outcome = 'error' then quantity else 0 end) as tool_failures,
        sum(
            case
                when is_tool_call and previous_outcome = 'error' and previous_tool_name = tool_name then 1 else 0
            end
        ) as retries,
        sum(case when event_object in ('response', 'ai_request') and outcome = 'error' then 1 else 0 end)
            as request_errors,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens,
        sum(cache_creation_tokens) as cache_creation_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cost_usd) as cost_usd,
        sum(lines_added) as lines_added,
        sum(lines_removed) as lines_removed,
        sum(case when event_name = 'edit_accepted' then quantity else 0 end) as edits_accepted,
        sum(case when event_name = 'edit_rejected' then quantity else 0 end) as edits_rejected,
        sum(case when event_name = 'commit_created' then quantity else 0 end) as commits,
        sum(case when event_name = 'pull_request_created' then quantity else 0 end) as pull_requests,
        max(case when reverse_position = 1 then outcome end) as last_outcome,
        sum(case when (is_tool_call or event_object = 'ai_request') and outcome = 'ok' then 1 else 0 end)
            as successful_actions,
        sum(case when event_name in ('edit_accepted', 'edit_rejected') then quantity else 0 end) as edit_attempts,
        sum(case when event_name = 'tests_run' then quantity else 0 end) as test_runs,
        sum(case when tool_name in ('Read', 'Grep', 'Glob', 'WebFetch', 'WebSearch', 'Task') then 1 else 0 end)
            as exploration_calls
    from sequenced
    group by session_key
),

final as (
    select
        *,
        {{ seconds_between('started_at', 'ended_at') }} as duration_seconds,
        input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens as total_tokens,
        cast(started_at as date) as session_date,
        -- Outcome, first rule that applies: code landed (an accepted edit, a commit or a PR) -> succeeded;
        -- the last action failed -> errored; at most one prompt and nothing done -> abandoned;
        -- otherwise the session talked without changing code -> completed.
        -- Task type, first rule that applies: shipping (a commit or PR), code_change (edits attempted),
        -- testing (tests run), investigation (reading and searching only), conversation (no tools).
        case
            when commits + pull_requests > 0 then 'shipping'
            when edit_attempts > 0 then 'code_change'
            when test_runs > 0 then 'testing'
            when exploration_calls > 0 then 'investigation'
            when tool = 'cursor' then 'assisted_coding'
            else 'conversation'
        end as task_type,
        case
            when edits_accepted + commits + pull_requests > 0 then 'succeeded'
            when last_outcome = 'error' then 'errored'
            when prompts <= 1 and successful_actions = 0 then 'abandoned'
            else 'completed'
        end as outcome
    from aggregated
)

{% if is_incremental() %}

    -- Sessions whose row differs from what is built, and sessions with no event left.
    {{ select_changed('session_key', fingerprinted) }}

{% else %}

    select * from final

{% endif %}

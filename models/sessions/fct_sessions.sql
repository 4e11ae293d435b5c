{#- Incremental for any arrival order. Sessions are computed per scope: a Claude Code session, or all of a
    developer's Cursor requests (their sessions are cut by gaps, so one late request can renumber them all).
    A run recomputes only the scopes whose events differ from those the built rows were computed from (their
    count and the newest fct_events run that wrote one, kept on each row: written_fingerprint, two columns read
    where a hash of every event's thirty was), writes only the sessions whose row differs, and a tombstone for a
    session whose events are all gone, removed by the post-hook. A change of this model's SQL or of the vars in
    its meta.code_inputs recomputes every scope (macros/incremental.sql). -#}
{%- set fingerprinted = [
    'session_key', 'tool', 'session_id', 'developer_id', 'team', 'persona', 'project', 'git_branch',
    'client_version', 'started_at', 'ended_at', 'events', 'active_seconds', 'prompts', 'ai_requests',
    'tool_calls', 'tool_failures', 'retries', 'request_errors', 'input_tokens', 'output_tokens',
    'cache_creation_tokens', 'cache_read_tokens', 'cost_usd', 'lines_added', 'lines_removed', 'edits_accepted',
    'edits_rejected', 'tabs_accepted', 'commits', 'pull_requests', 'last_outcome', 'successful_actions', 'edit_attempts',
    'test_runs', 'exploration_calls', 'task_type', 'outcome', 'scope_key', 'scope_fingerprint',
] -%}
{{
    config(
        materialized='incremental',
        unique_key='session_key',
        incremental_strategy=incremental_strategy(),
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale() }}",
        post_hook=["{{ delete_tombstones('events') }}", "{{ remember_code() }}"],
        meta={'code_inputs': [var('session_inactivity_minutes'), var('session_last_event_seconds')]},
    )
}}

{%- set merging = merges_into_kept() %}

with

built_events as {{ not_materialized() }} (
    -- Outside Cursor, an event's scope is its Claude Code session, keyed as that session is.
    select
        *,
        case
            when tool = 'cursor' then 'cursor:' || developer_id
            else 'claude_code:' || developer_id || ':' || session_id
        end as scope_key
    from {{ ref('fct_events') }}
    where event_name is not null
),

scopes as (
    -- A scope is one developer's (its key holds the developer): the developer is carried for the filter below.
    select
        scope_key,
        developer_id,
        {{ written_fingerprint() }} as scope_fingerprint
    from built_events
    group by scope_key, developer_id
),

{% if merging %}
    kept_scopes as (
        select distinct
            scope_key,
            developer_id,
            scope_fingerprint
        from {{ this }}
    ),

    changed_scopes as (
        select
            coalesce(scopes.scope_key, kept_scopes.scope_key) as scope_key,
            coalesce(scopes.developer_id, kept_scopes.developer_id) as developer_id
        from scopes
        full outer join kept_scopes on scopes.scope_key = kept_scopes.scope_key
        where
            scopes.scope_key is null
            or kept_scopes.scope_key is null
            or scopes.scope_fingerprint != kept_scopes.scope_fingerprint
    ),
{% endif %}

all_events as {{ not_materialized() }} (
    -- Events outside every scope (no session id, no developer) belong to no session.
    select
        built_events.*,
        scopes.scope_fingerprint
    from built_events
    inner join scopes on built_events.scope_key = scopes.scope_key
    {% if merging %}
        -- The changed scopes' developers first: a cheap filter on a column of fct_events, before each event's
        -- scope key is built (at 5M lines, 20 developers changed: 1.60-1.78 s against 2.28-2.55 s).
        where
            built_events.developer_id in (select changed_scopes.developer_id from changed_scopes)
            and built_events.scope_key in (select changed_scopes.scope_key from changed_scopes)
    {% endif %}
),

events as {{ not_materialized() }} (
    -- The session's own sequence of actions. Counts recorded apart from it (Cursor's daily totals, OTel
    -- metric points) are added after, so they move no time, order or last outcome.
    select * from all_events
    where source_kind not like 'cursor:daily%' and source_kind not like 'otel:metric:%'
),

tool_sessions as (
    -- Claude Code names its sessions: their id is the session, of the developer whose files hold it (two
    -- people's copies of one session are two sessions).
    select
        *,
        scope_key as session_key
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

cursor_session_days as (
    select
        'cursor:'
        || cursor_numbered.developer_id
        || ':'
        || cast(cursor_numbered.session_number as {{ dbt.type_string() }}) as session_key,
        cursor_numbered.developer_id,
        cast(min(cursor_requests.occurred_at) as date) as session_date,
        min(cursor_requests.occurred_at) as started_at,
        count(*) as requests
    from cursor_numbered
    inner join cursor_requests on cursor_numbered.event_key = cursor_requests.event_key
    group by cursor_numbered.developer_id, cursor_numbered.session_number
),

cursor_day_counts as (
    -- Cursor records accepted applies, rejects and tabs per developer and day, not per session: a day's
    -- counts are shared among the sessions that started that day in proportion to their requests, in whole
    -- numbers that add up to the day's (largest remainder; ties to the earlier session). A day with counts
    -- but no request has no session to share them: they stay in the daily marts only.
    select
        cursor_session_days.session_key,
        cursor_session_days.started_at,
        all_events.event_key,
        all_events.event_name,
        all_events.quantity,
        all_events.lines_added,
        all_events.lines_removed,
        all_events.quantity * cursor_session_days.requests * 1.0 / sum(cursor_session_days.requests) over (
            partition by all_events.event_key
        ) as quantity_share,
        all_events.lines_added * cursor_session_days.requests * 1.0 / sum(cursor_session_days.requests) over (
            partition by all_events.event_key
        ) as lines_added_share,
        all_events.lines_removed * cursor_session_days.requests * 1.0 / sum(cursor_session_days.requests) over (
            partition by all_events.event_key
        ) as lines_removed_share
    from all_events
    inner join cursor_session_days
        on
            all_events.developer_id = cursor_session_days.developer_id
            and all_events.event_date = cursor_session_days.session_date
    where
        all_events.tool = 'cursor'
        and all_events.event_name in ('edit_accepted', 'edit_rejected', 'tab_completion_accepted')
),

cursor_day_ranked as (
    select
        *,
        quantity - sum(floor(quantity_share)) over (partition by event_key) as quantity_left,
        lines_added - sum(floor(lines_added_share)) over (partition by event_key) as lines_added_left,
        lines_removed - sum(floor(lines_removed_share)) over (partition by event_key) as lines_removed_left,
        row_number() over (
            partition by event_key order by quantity_share - floor(quantity_share) desc, started_at asc, session_key asc
        ) as quantity_rank,
        row_number() over (
            partition by event_key
            order by lines_added_share - floor(lines_added_share) desc, started_at asc, session_key asc
        ) as lines_added_rank,
        row_number() over (
            partition by event_key
            order by lines_removed_share - floor(lines_removed_share) desc, started_at asc, session_key asc
        ) as lines_removed_rank
    from cursor_day_counts
),

cursor_allocated as (
    select
        session_key,
        event_name,
        cast(floor(quantity_share) as bigint) + case when quantity_rank <= quantity_left then 1 else 0 end
            as quantity,
        cast(floor(lines_added_share) as bigint) + case when lines_added_rank <= lines_added_left then 1 else 0 end
            as lines_added,
        cast(floor(lines_removed_share) as bigint)
        + case when lines_removed_rank <= lines_removed_left then 1 else 0 end as lines_removed
    from cursor_day_ranked
),

otel_counted as (
    select
        scope_key as session_key,
        event_name,
        quantity,
        lines_added,
        lines_removed
    from all_events
    where source_kind like 'otel:metric:%' and session_id is not null and event_name != 'active_time_recorded'
),

counted_apart as (
    select * from cursor_allocated
    union all
    select * from otel_counted
),

counted_by_session as (
    select
        session_key,
        sum(case when event_name = 'edit_accepted' then quantity else 0 end) as edits_accepted,
        sum(case when event_name = 'edit_rejected' then quantity else 0 end) as edits_rejected,
        sum(case when event_name = 'tab_completion_accepted' then quantity else 0 end) as tabs_accepted,
        sum(case when event_name = 'commit_created' then quantity else 0 end) as commits,
        sum(case when event_name = 'pull_request_created' then quantity else 0 end) as pull_requests,
        sum(lines_added) as lines_added,
        sum(lines_removed) as lines_removed
    from counted_apart
    group by session_key
),

client_active_time as (
    -- The client's own measure of active time (OTel active_time.total) replaces the gap-based estimate.
    select
        scope_key as session_key,
        sum(duration_seconds) as active_seconds
    from all_events
    where event_name = 'active_time_recorded' and session_id is not null
    group by scope_key
),

sessioned as {{ not_materialized() }} (
    select * from tool_sessions
    union all
    select * from cursor_sessions
),

event_gaps as (
    -- Each event's time since the one before it in its session. A window sorts every column it carries: only
    -- the few its order decides go through one (the sums over whole events are a plain grouping below).
    select
        session_key,
        occurred_at,
        lag(occurred_at) over (partition by session_key order by occurred_at, event_key) as previous_at
    from sessioned
),

tool_call_sequence as (
    select
        session_key,
        tool_name,
        lag(tool_name) over (partition by session_key order by occurred_at, event_key) as previous_tool_name,
        lag(outcome) over (partition by session_key order by occurred_at, event_key) as previous_outcome
    from sessioned
    where is_tool_call
),

active_time as (
    select
        session_key,
        -- Whole milliseconds: an exact sum, whatever order the rows are added in. The last event's own time
        -- (reading the last answer) is var session_last_event_seconds, so a one-event session is not 0.
        cast((sum(
            case
                when previous_at is null then 0
                else cast(round(least(
                    {{ seconds_between('previous_at', 'occurred_at') }}, {{ var('session_inactivity_minutes') }} * 60
                ) * 1000) as bigint)
            end
        ) + {{ var('session_last_event_seconds') }} * 1000) / 1000.0 as decimal(18, 3)) as active_seconds
    from event_gaps
    group by session_key
),

retried_tool_calls as (
    -- A retry: a tool call right after a failed call of the same tool in the session.
    select
        session_key,
        sum(case when previous_outcome = 'error' and previous_tool_name = tool_name then 1 else 0 end) as retries
    from tool_call_sequence
    group by session_key
),

sequence_measured as (
    select
        active_time.session_key,
        active_time.active_seconds,
        coalesce(retried_tool_calls.retries, 0) as retries
    from active_time
    left join retried_tool_calls on active_time.session_key = retried_tool_calls.session_key
),

session_totals as (
    select
        session_key,
        min(tool) as tool,
        min(scope_key) as scope_key,
        min(scope_fingerprint) as scope_fingerprint,
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
        {{ last_by(['outcome'], ['occurred_at', 'event_key']) }}['outcome'] as last_outcome,
        sum(case when event_name = 'prompt_submitted' then quantity else 0 end) as prompts,
        sum(case when event_object = 'ai_request' then quantity else 0 end) as ai_requests,
        sum(case when is_tool_call then quantity else 0 end) as tool_calls,
        sum(case when is_tool_call and outcome = 'error' then quantity else 0 end) as tool_failures,
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
        sum(case when (is_tool_call or event_object = 'ai_request') and outcome = 'ok' then 1 else 0 end)
            as successful_actions,
        sum(case when event_name in ('edit_accepted', 'edit_rejected') then quantity else 0 end) as edit_attempts,
        sum(case when event_name = 'tests_run' then quantity else 0 end) as test_runs,
        sum(case when tool_name in ('Read', 'Grep', 'Glob', 'WebFetch', 'WebSearch', 'Task') then 1 else 0 end)
            as exploration_calls
    from sessioned
    group by session_key
),

aggregated as (
    select
        session_totals.session_key,
        session_totals.tool,
        session_totals.scope_key,
        session_totals.scope_fingerprint,
        session_totals.session_id,
        session_totals.developer_id,
        session_totals.team,
        session_totals.persona,
        session_totals.project,
        session_totals.git_branch,
        session_totals.client_version,
        session_totals.started_at,
        session_totals.ended_at,
        session_totals.events,
        cast(coalesce(client_active_time.active_seconds, sequence_measured.active_seconds) as decimal(18, 3))
            as active_seconds,
        session_totals.prompts,
        session_totals.ai_requests,
        session_totals.tool_calls,
        session_totals.tool_failures,
        sequence_measured.retries,
        session_totals.request_errors,
        session_totals.input_tokens,
        session_totals.output_tokens,
        session_totals.cache_creation_tokens,
        session_totals.cache_read_tokens,
        session_totals.cost_usd,
        session_totals.last_outcome,
        session_totals.successful_actions,
        session_totals.test_runs,
        session_totals.exploration_calls,
        session_totals.lines_added + coalesce(counted_by_session.lines_added, 0) as lines_added,
        session_totals.lines_removed + coalesce(counted_by_session.lines_removed, 0) as lines_removed,
        session_totals.edits_accepted + coalesce(counted_by_session.edits_accepted, 0) as edits_accepted,
        session_totals.edits_rejected + coalesce(counted_by_session.edits_rejected, 0) as edits_rejected,
        coalesce(counted_by_session.tabs_accepted, 0) as tabs_accepted,
        session_totals.commits + coalesce(counted_by_session.commits, 0) as commits,
        session_totals.pull_requests + coalesce(counted_by_session.pull_requests, 0) as pull_requests,
        session_totals.edit_attempts
        + coalesce(counted_by_session.edits_accepted + counted_by_session.edits_rejected, 0) as edit_attempts
    from session_totals
    inner join sequence_measured on session_totals.session_key = sequence_measured.session_key
    left join counted_by_session on session_totals.session_key = counted_by_session.session_key
    left join client_active_time on session_totals.session_key = client_active_time.session_key
),

final as (
    select
        *,
        {{ seconds_between('started_at', 'ended_at') }} as duration_seconds,
        input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens as total_tokens,
        cast(started_at as date) as session_date,
        -- Outcome, first rule that applies: code landed (an accepted edit or tab, a commit or a PR) -> succeeded;
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
            when edits_accepted + tabs_accepted + commits + pull_requests > 0 then 'succeeded'
            when last_outcome = 'error' then 'errored'
            when prompts <= 1 and successful_actions = 0 then 'abandoned'
            else 'completed'
        end as outcome
    from aggregated
)

{% if merging %}

    -- Sessions whose row differs from what is built, and sessions with no event left.
    {{ select_changed(
        'session_key', fingerprinted, built_where='scope_key in (select changed_scopes.scope_key from changed_scopes)'
    ) }}

{% else %}

    select * from final

{% endif %}

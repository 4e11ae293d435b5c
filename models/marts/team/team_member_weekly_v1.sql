-- Individual numbers for team leads: only developers who opted in to individual sharing, only in teams
-- of at least the minimum group size, and never in a week when the team's total minus these rows would
-- leave fewer than min_group_size (but some) members: that remainder would be a colleague's own numbers.
with

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

weekly as (
    select * from {{ ref('developer_weekly', v=1) }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
    where is_reportable
),

shared as (
    select developers.developer_id
    from developers
    inner join team_sizes on developers.team = team_sizes.team
    where developers.is_opted_in
),

team_weeks as (
    select
        weekly.team,
        weekly.week_start,
        count(distinct weekly.developer_id) as active_members,
        count(distinct shared.developer_id) as shared_members
    from weekly
    left join shared on weekly.developer_id = shared.developer_id
    group by weekly.team, weekly.week_start
),

safe_weeks as (
    -- Weeks the team total is not published (too few active) or whose remainder is none or a group.
    select
        team,
        week_start
    from team_weeks
    where
        active_members < {{ var('min_group_size') }}
        or active_members - shared_members = 0
        or active_members - shared_members >= {{ var('min_group_size') }}
),

final as (
    select
        cast(weekly.developer_id as {{ dbt.type_string() }}) as developer_id,
        cast(weekly.team as {{ dbt.type_string() }}) as team,
        cast(weekly.week_start as date) as week_start,
        cast(weekly.sessions as bigint) as sessions,
        cast(weekly.sessions_succeeded as bigint) as sessions_succeeded,
        cast(weekly.prompts as bigint) as prompts,
        cast(weekly.total_tokens as bigint) as total_tokens,
        cast(weekly.cost_usd as double) as cost_usd,
        cast(weekly.lines_added as bigint) as lines_added,
        cast(weekly.tool_calls as bigint) as tool_calls,
        cast(weekly.tool_failures as bigint) as tool_failures,
        cast(weekly.tool_error_rate as double) as tool_error_rate,
        cast(weekly.edits_accepted as bigint) as edits_accepted,
        cast(weekly.commits as bigint) as commits,
        cast(weekly.active_minutes as double) as active_minutes
    from weekly
    inner join shared on weekly.developer_id = shared.developer_id
    inner join safe_weeks on weekly.team = safe_weeks.team and weekly.week_start = safe_weeks.week_start
)

select * from final

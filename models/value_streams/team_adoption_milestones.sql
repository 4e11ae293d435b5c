-- A team's adoption milestones, each reached by at least min_group_size members at once (so no milestone
-- stands for one person): the first week three members were active; the first week half the team was;
-- the day half the team had reached habitual use; the day half the team had an accepted AI edit.
{%- set k = var('min_group_size') %}
with

teams as (
    select * from {{ ref('int_teams_sized') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

reached as (
    select * from {{ ref('developer_milestones') }}
),

weekly_active as (
    select
        developers.team,
        cast({{ dbt.date_trunc('week', 'sessions.session_date') }} as date) as week_start,
        count(distinct sessions.developer_id) as active_members
    from sessions
    inner join developers on sessions.developer_id = developers.developer_id
    where developers.is_in_directory
    group by developers.team, cast({{ dbt.date_trunc('week', 'sessions.session_date') }} as date)
),

week_milestones as (
    select
        weekly_active.team,
        'three_members_active' as milestone,
        1 as milestone_order,
        min(weekly_active.week_start) as reached_on
    from weekly_active
    where weekly_active.active_members >= {{ k }}
    group by weekly_active.team
    union all
    select
        weekly_active.team,
        'half_team_active' as milestone,
        2 as milestone_order,
        min(weekly_active.week_start) as reached_on
    from weekly_active
    inner join teams on weekly_active.team = teams.team
    where weekly_active.active_members >= greatest({{ k }}, teams.members / 2.0)
    group by weekly_active.team
),

member_firsts as (
    -- Each member's day of a developer milestone, numbered within the team in the order reached.
    select
        developers.team,
        reached.milestone,
        cast(reached.reached_at as date) as reached_on,
        row_number() over (
            partition by developers.team, reached.milestone order by reached.reached_at, reached.developer_id
        ) as members_reached
    from reached
    inner join developers on reached.developer_id = developers.developer_id
    where developers.is_in_directory and reached.milestone in ('habitual_use', 'first_accepted_edit')
),

member_milestones as (
    select
        member_firsts.team,
        case member_firsts.milestone
            when 'first_accepted_edit' then 'half_team_accepted_edits'
            else 'half_team_habitual'
        end as milestone,
        case member_firsts.milestone when 'first_accepted_edit' then 3 else 4 end as milestone_order,
        min(member_firsts.reached_on) as reached_on
    from member_firsts
    inner join teams on member_firsts.team = teams.team
    where member_firsts.members_reached >= greatest({{ k }}, teams.members / 2.0)
    group by member_firsts.team, member_firsts.milestone
),

all_milestones as (
    select * from week_milestones
    union all
    select * from member_milestones
),

team_starts as (
    select
        team,
        min(week_start) as first_active_week
    from weekly_active
    group by team
),

final as (
    select
        all_milestones.team,
        all_milestones.milestone,
        all_milestones.milestone_order,
        all_milestones.reached_on,
        teams.members,
        {{ dbt.datediff('team_starts.first_active_week', 'all_milestones.reached_on', 'day') }}
            as days_since_first_active_week
    from all_milestones
    inner join teams on all_milestones.team = teams.team
    inner join team_starts on all_milestones.team = team_starts.team
)

select * from final

-- Cost by model per month for engineering managers: what each model cost, for how many requests and tokens,
-- (model_pricing in the platform file says where each price comes from). No developer-level row; a cell of fewer than
-- min_group_size developers is hidden, and so are more when a month's hidden figures, here and in org_daily
-- or org_team_monthly, would describe one or two people (secondary suppression, macros/suppression.sql).
{%- set month_of_week = dbt.date_trunc('month', dbt.date_trunc('week', 'event_date')) %}
with

-- Read where it is used: held whole for its several readers, every event was copied (its query at 5M
-- transcript lines 0.37 -> 0.24 s).
events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

org_daily as (
    select * from {{ ref('org_daily', v=1) }}
),

org_team_monthly as (
    select * from {{ ref('org_team_monthly', v=1) }}
),

weekly as (
    select * from {{ ref('developer_weekly', v=1) }}
),

team_sizes as (
    select * from {{ ref('int_teams_sized') }}
),

priced as (
    select
        {{ month_of_week }} as month_start,
        tool,
        model_name,
        developer_id,
        event_date,
        cost_usd,
        input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens as total_tokens
    from events
    -- The events that carry a model's cost: Claude Code's API responses, Cursor's AI requests.
    where model_name is not null and event_object in ('response', 'ai_request')
),

model_people as (
    select distinct
        month_start as cell_group,
        {{ dbt.concat(['tool', "'|'", 'model_name']) }} as cell_id,
        developer_id,
        false as is_hidden
    from priced
),

hidden_days as (
    -- People of the org_daily rows of the month that are not shown.
    select distinct
        {{ month_of_week }} as cell_group,
        {{ dbt.concat(["'day:'", 'cast(events.event_date as ' ~ dbt.type_string() ~ ')', "'|'", 'events.tool']) }}
            as cell_id,
        events.developer_id,
        true as is_hidden
    from events
    left join org_daily
        on events.event_date = org_daily.activity_date and events.tool = org_daily.tool
    where org_daily.activity_date is null
),

hidden_team_months as (
    -- People of the org_team_monthly rows of the month that are not shown.
    select distinct
        {{ dbt.date_trunc('month', 'weekly.week_start') }} as cell_group,
        {{ dbt.concat(["'team:'", reported_team('weekly.team', 'team_sizes.is_reportable')]) }} as cell_id,
        weekly.developer_id,
        true as is_hidden
    from weekly
    left join team_sizes on weekly.team = team_sizes.team
    left join org_team_monthly
        on
            {{ dbt.date_trunc('month', 'weekly.week_start') }} = org_team_monthly.month_start
            and {{ reported_team('weekly.team', 'team_sizes.is_reportable') }} = org_team_monthly.team
    where org_team_monthly.team is null
),

people as (
    select * from model_people
    union all
    select * from hidden_days
    union all
    select * from hidden_team_months
),

shown as (
    {{ secondary_suppression('people') }}
),

by_model as (
    select
        month_start,
        tool,
        model_name,
        {{ dbt.concat(['tool', "'|'", 'model_name']) }} as cell_id,
        count(*) as api_responses,
        count(distinct developer_id) as active_developers,
        sum(total_tokens) as total_tokens,
        sum({{ money('cost_usd') }}) as cost_usd
    from priced
    group by month_start, tool, model_name
),

final as (
    select
        cast(by_model.month_start as date) as month_start,
        cast(by_model.tool as {{ dbt.type_string() }}) as tool,
        cast(by_model.model_name as {{ dbt.type_string() }}) as model_name,
        cast(by_model.api_responses as bigint) as api_responses,
        cast(by_model.active_developers as bigint) as active_developers,
        cast(by_model.total_tokens as bigint) as total_tokens,
        cast(by_model.cost_usd as double) as cost_usd
    from by_model
    inner join shown
        on by_model.month_start = shown.cell_group and by_model.cell_id = shown.cell_id
    where not shown.is_hidden
)

select * from final

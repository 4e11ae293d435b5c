-- Which features and tools are used, per week: anonymised aggregates of at least the minimum group size, and
-- no hidden week recovered by subtracting the shown ones from failure_modes' all-time totals (secondary
-- suppression, macros/suppression.sql).
{%- set week_id = 'cast(week_start as ' ~ dbt.type_string() ~ ')' %}
with

events as (
    select * from {{ ref('fct_events') }}
),

developer_weeks as (
    -- One row per developer, week and what they used, so the strings below are built per row of this, not per
    -- event (ten million at the largest benchmark).
    select
        cast({{ dbt.date_trunc('week', 'event_date') }} as date) as week_start,
        tool,
        event_name,
        tool_name,
        model_name,
        is_tool_call,
        event_object,
        client_version,
        developer_id,
        sum(quantity) as uses,
        sum(case when outcome = 'error' then quantity else 0 end) as failed_uses
    from events
    group by
        cast({{ dbt.date_trunc('week', 'event_date') }} as date),
        tool,
        event_name,
        tool_name,
        model_name,
        is_tool_call,
        event_object,
        client_version,
        developer_id
),

features as (
    select
        week_start,
        tool,
        event_name,
        developer_id,
        uses,
        failed_uses,
        client_version,
        coalesce(tool_name, model_name, 'n/a') as feature,
        -- failure_modes' (tool, feature) total adds up these weeks: the group a subtraction works within.
        case
            when is_tool_call or event_object in ('ai_request', 'api_request', 'response')
                then {{ dbt.concat(['tool', "'|'", failure_mode_feature('tool_name', 'event_object')]) }}
            else {{ dbt.concat(['tool', "'|-'", 'event_name']) }}
        end as failure_group
    from developer_weeks
),

weekly as (
    select
        week_start,
        tool,
        event_name,
        feature,
        {{ dbt.concat([week_id, "'|'", 'tool', "'|'", 'event_name', "'|'", 'feature']) }} as cell_id,
        sum(uses) as uses,
        count(distinct developer_id) as developers,
        sum(failed_uses) * 1.0 / sum(uses) as failure_rate
    from features
    group by week_start, tool, event_name, feature
),

cell_people as (
    select distinct
        failure_group as cell_group,
        {{ dbt.concat([week_id, "'|'", 'tool', "'|'", 'event_name', "'|'", 'feature']) }} as cell_id,
        developer_id,
        false as is_hidden
    from features
),

small_failure_modes as (
    select
        failure_group,
        coalesce(client_version, 'unknown') as client_version
    from features
    group by failure_group, coalesce(client_version, 'unknown')
    having count(distinct developer_id) < {{ var('min_group_size') }}
),

hidden_failure_modes as (
    -- The people of each failure_modes row too small to be shown (per client version): hidden there too.
    select distinct
        features.failure_group as cell_group,
        {{ dbt.concat(["'version:'", 'small_failure_modes.client_version']) }} as cell_id,
        features.developer_id,
        true as is_hidden
    from features
    inner join small_failure_modes
        on
            features.failure_group = small_failure_modes.failure_group
            and coalesce(features.client_version, 'unknown') = small_failure_modes.client_version
),

people as (
    select * from cell_people
    union all
    select * from hidden_failure_modes
),

shown as (
    {{ secondary_suppression('people') }}
),

final as (
    select
        cast(weekly.week_start as date) as week_start,
        cast(weekly.tool as {{ dbt.type_string() }}) as tool,
        cast(weekly.event_name as {{ dbt.type_string() }}) as event_name,
        cast(weekly.feature as {{ dbt.type_string() }}) as feature,
        cast(weekly.uses as bigint) as uses,
        cast(weekly.developers as bigint) as developers,
        cast(weekly.failure_rate as double) as failure_rate
    from weekly
    inner join shown on weekly.cell_id = shown.cell_id
    where not shown.is_hidden
)

select * from final

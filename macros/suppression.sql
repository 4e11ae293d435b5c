{#-
    Secondary suppression (statistical disclosure control). Cells hidden because they describe fewer than
    `min_group_size` people can be recovered by subtracting the shown cells from a total published elsewhere
    (org_daily's days from org_team_monthly's months). So, within each `cell_group` (the total's grain), the
    hidden cells must together describe no one or at least `min_group_size` people; when they describe fewer,
    the smallest shown cells are hidden too until they do.

    `people` names a relation with one row per (cell_group, cell_id, developer_id) and `is_hidden`, true for
    the people of a figure the other mart hides (a hidden cell too); a cell of fewer people is hidden anyway. The statement returns one row
    per (cell_group, cell_id) with `is_hidden` after secondary suppression.
-#}
{% macro secondary_suppression(people) -%}
    {%- set k = var('min_group_size') -%}
    with

    cells as (
        select
            cell_group,
            cell_id,
            -- The primary rule: too few people, or hidden by the other mart.
            max(case when is_hidden then 1 else 0 end) = 1 or count(distinct developer_id) < {{ k }} as is_hidden,
            count(distinct developer_id) as cell_people
        from {{ people }}
        group by cell_group, cell_id
    ),

    ranked as (
        -- Hidden cells rank 0; the shown ones from the fewest people up, ties broken by the cell's id.
        select
            cell_group,
            cell_id,
            is_hidden,
            case
                when is_hidden then 0
                else row_number() over (partition by cell_group, is_hidden order by cell_people, cell_id)
            end as cell_rank
        from cells
    ),

    first_ranks as (
        -- The first rank at which each person would be hidden, were cells hidden up to it.
        select
            people.cell_group,
            people.developer_id,
            min(ranked.cell_rank) as first_rank
        from {{ people }} as people
        inner join ranked
            on people.cell_group = ranked.cell_group and people.cell_id = ranked.cell_id
        group by people.cell_group, people.developer_id
    ),

    hidden_people as (
        select
            cell_group,
            count(*) as people
        from first_ranks
        where first_rank = 0
        group by cell_group
    ),

    covered as (
        -- People hidden by the hidden cells and the shown cells ranked before this one.
        select
            ranked.cell_group,
            ranked.cell_id,
            ranked.is_hidden,
            count(first_ranks.developer_id) as people_before,
            max(hidden_people.people) as hidden_people
        from ranked
        left join first_ranks
            on ranked.cell_group = first_ranks.cell_group and first_ranks.first_rank < ranked.cell_rank
        left join hidden_people on ranked.cell_group = hidden_people.cell_group
        group by ranked.cell_group, ranked.cell_id, ranked.is_hidden
    )

    select
        cell_group,
        cell_id,
        is_hidden or (coalesce(hidden_people, 0) between 1 and {{ k - 1 }} and people_before < {{ k }}) as is_hidden
    from covered
{%- endmacro %}


{#- The team a roll-up reports a developer under: teams below the minimum size fold into 'other teams'. -#}
{% macro reported_team(team, is_reportable) -%}
    case when {{ is_reportable }} then {{ team }} else 'other teams' end
{%- endmacro %}


{#- The feature failure_modes reports an event under: a tool call by its tool, an API request (response or
    failure) as one feature. feature_usage_weekly groups by it too, to protect what failure_modes totals. -#}
{% macro failure_mode_feature(tool_name, event_object) -%}
    coalesce(
        {{ tool_name }},
        case when {{ event_object }} in ('response', 'api_request') then 'api_request' else {{ event_object }} end
    )
{%- endmacro %}

-- Cursor's features per week (apply, tab, composer, chat, agent, cmd-k) with the acceptance rate of those
-- that offer something to accept: tabs accepted / tabs shown, applies accepted / applies decided. Built from
-- feature_usage_weekly's published rows only, so it shows nothing that mart hides: a rate needs both of its
-- rows shown there.
with

weekly as (
    select * from {{ ref('feature_usage_weekly', v=1) }}
    where tool = 'cursor' and feature in ('apply', 'tab', 'composer', 'chat', 'agent', 'cmd_k')
),

by_feature as (
    select
        week_start,
        feature,
        sum(case when event_name = 'feature_used' then uses else 0 end) as requests,
        max(case when event_name = 'feature_used' then developers end) as request_developers,
        max(case when event_name in ('edit_accepted', 'tab_completion_accepted') then uses end) as accepted,
        max(case when event_name in ('edit_accepted', 'tab_completion_accepted') then developers end)
            as accepted_developers,
        max(case when event_name = 'edit_rejected' then uses end) as rejected,
        max(case when event_name = 'edit_rejected' then developers end) as rejected_developers,
        max(case when event_name = 'tab_completion_shown' then uses end) as shown,
        max(case when event_name = 'tab_completion_shown' then developers end) as shown_developers
    from weekly
    group by week_start, feature
),

offered as (
    select
        week_start,
        feature,
        accepted,
        request_developers,
        accepted_developers,
        rejected_developers,
        shown_developers,
        requests,
        case
            when feature = 'tab' then shown
            when feature = 'apply' then accepted + rejected
        end as offered
    from by_feature
),

final as (
    select
        cast(week_start as date) as week_start,
        cast(feature as {{ dbt.type_string() }}) as feature,
        cast(case when feature not in ('tab', 'apply') then requests end as bigint) as requests,
        cast(offered as bigint) as offered,
        -- Every developer shown a tab is in the shown row; an apply's, at least the larger of its two rows.
        cast(
            case
                when feature = 'tab' then shown_developers
                when feature = 'apply' then greatest(accepted_developers, rejected_developers)
                else request_developers
            end as bigint
        ) as developers,
        cast(case when feature in ('tab', 'apply') then accepted end as bigint) as accepted,
        cast(case when offered > 0 then accepted * 1.0 / offered end as double) as acceptance_rate
    from offered
    -- An offering feature is shown only when both its rows are (a sum with a hidden row would give it away).
    where feature not in ('tab', 'apply') or offered is not null
)

select * from final

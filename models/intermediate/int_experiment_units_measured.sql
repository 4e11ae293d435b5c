-- Each unit of each experiment with its value of every metric the experiment reads (its primary metric and
-- its guardrails): the metric's numerator and denominator over the unit's sessions of the experiment's tool,
-- from its assignment (or the experiment's start) to the end of the experiment's window. A unit with no
-- session there has no value, but still counts as assigned (the sample-ratio check needs it).
{%- set metrics = {
    'session_success_rate': ("case when outcome = 'succeeded' then 1 else 0 end", '1'),
    'cost_per_session_usd': ('cost_usd', '1'),
    'tool_error_rate': ('tool_failures', 'tool_calls'),
    'retries_per_session': ('retries', '1'),
    'cost_per_output_usd': ('cost_usd', 'edits_accepted + commits + pull_requests'),
} %}
with

experiments as (
    select * from {{ ref('experiments') }}
),

assignments as (
    select * from {{ ref('stg_experiments__assignments') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

developers as (
    select * from {{ ref('int_developers_enriched') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

windows as (
    -- An experiment starts with its first assignment and lasts its planned duration.
    select
        experiments.experiment_id,
        experiments.tool,
        experiments.duration_days,
        cast(min(assignments.assigned_at) as date) as window_start,
        {{ dbt.dateadd('day', 'experiments.duration_days', 'cast(min(assignments.assigned_at) as date)') }}
            as window_end
    from experiments
    inner join assignments on experiments.experiment_id = assignments.experiment_id
    group by experiments.experiment_id, experiments.tool, experiments.duration_days
),

metric_roles as (
    select
        experiment_id,
        primary_metric as metric,
        'primary' as metric_role
    from experiments
    {%- for position in range(1, 5) %}
        union all
        select
            experiment_id,
            {{ dbt.split_part('guardrail_metrics', "';'", position) }} as metric,
            'guardrail' as metric_role
        from experiments
        where {{ dbt.split_part('guardrail_metrics', "';'", position) }} != ''
    {%- endfor %}
),

units as (
    -- Developers by the canonical id their email links to; teams by name, their members being their units'.
    select
        assignments.experiment_id,
        assignments.unit_type,
        assignments.variant,
        assignments.assigned_at,
        coalesce(links.developer_id, assignments.unit_id) as unit_id
    from assignments
    left join links
        on
            assignments.unit_type = 'developer' and links.identifier_type = 'email'
            and assignments.unit_id = links.identifier_value
),

unit_members as (
    select
        units.*,
        developers.developer_id,
        developers.persona
    from units
    inner join developers
        on
            (units.unit_type = 'developer' and units.unit_id = developers.developer_id)
            or (units.unit_type = 'team' and units.unit_id = developers.team)
),

unit_sessions as (
    select
        unit_members.experiment_id,
        unit_members.unit_id,
        sessions.outcome,
        sessions.cost_usd,
        sessions.tool_failures,
        sessions.tool_calls,
        sessions.retries,
        sessions.edits_accepted,
        sessions.commits,
        sessions.pull_requests
    from unit_members
    inner join windows on unit_members.experiment_id = windows.experiment_id
    inner join sessions
        on
            unit_members.developer_id = sessions.developer_id
            and windows.tool = sessions.tool
            and sessions.started_at >= greatest(unit_members.assigned_at, cast(windows.window_start as timestamp))
            and sessions.started_at < cast(windows.window_end as timestamp)
),

unit_totals as (
    select
        experiment_id,
        unit_id,
        {%- for metric, parts in metrics.items() %}
            sum({{ parts[0] }}) as {{ metric }}__numerator,
            sum({{ parts[1] }}) as {{ metric }}__denominator,
        {%- endfor %}
        count(*) as sessions
    from unit_sessions
    group by experiment_id, unit_id
),

unit_personas as (
    -- A team's persona is its members' most common one; a developer's, their own.
    select
        experiment_id,
        unit_id,
        mode(persona) as persona
    from unit_members
    group by experiment_id, unit_id
),

measured as (
    select
        units.experiment_id,
        metric_roles.metric,
        metric_roles.metric_role,
        units.unit_type,
        units.unit_id,
        units.variant,
        unit_personas.persona,
        windows.window_start,
        windows.window_end,
        case metric_roles.metric
            {%- for metric in metrics %}
                when '{{ metric }}' then coalesce(unit_totals.{{ metric }}__numerator, 0)
            {%- endfor %}
        end as numerator,
        case metric_roles.metric
            {%- for metric in metrics %}
                when '{{ metric }}' then coalesce(unit_totals.{{ metric }}__denominator, 0)
            {%- endfor %}
        end as denominator
    from units
    inner join windows on units.experiment_id = windows.experiment_id
    inner join metric_roles on units.experiment_id = metric_roles.experiment_id
    left join unit_totals on units.experiment_id = unit_totals.experiment_id and units.unit_id = unit_totals.unit_id
    left join unit_personas
        on units.experiment_id = unit_personas.experiment_id and units.unit_id = unit_personas.unit_id
),

final as (
    select
        *,
        -- A double: Spark's decimal division would keep only 6 decimal places.
        case when denominator > 0 then cast(numerator as double) / cast(denominator as double) end as metric_value
    from measured
)

select * from final

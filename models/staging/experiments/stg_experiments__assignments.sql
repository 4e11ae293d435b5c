with

assignments as (
    select * from {{ source('experiments', 'experiment_assignments') }}
),

extracted as (
    select
        _loaded_at as loaded_at,
        _source_file as source_file,
        _line_number as line_number,
        {{ json_text('record', '$.experiment_id') }} as experiment_id,
        lower({{ json_text('record', '$.unit_type') }}) as unit_type,
        -- A developer is named by an email (linked to the canonical developer later), a team by its name.
        case
            when lower({{ json_text('record', '$.unit_type') }}) = 'developer'
                then lower({{ json_text('record', '$.unit_id') }})
            else {{ json_text('record', '$.unit_id') }}
        end as unit_id,
        {{ json_text('record', '$.variant') }} as variant,
        {{ iso_to_utc(json_text('record', '$.assigned_at')) }} as assigned_at
    from assignments
),

latest as (
    -- A unit assigned again in a later export: the latest export wins (one variant per unit).
    select
        *,
        row_number() over (
            partition by experiment_id, unit_type, unit_id
            order by loaded_at desc, source_file desc, line_number desc
        ) as recency_rank
    from extracted
),

final as (
    select
        {{ row_key(['experiment_id', 'unit_type', 'unit_id']) }} as assignment_key,
        experiment_id,
        unit_type,
        unit_id,
        variant,
        assigned_at
    from latest
    where recency_rank = 1
)

select * from final

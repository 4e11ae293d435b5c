{#- Deduplication that ranks only what repeats. A window over every row holds whole rows in its sort: at 10M
    transcript lines the messages' window spilled 5.9 GB under the 4 GB limit, and beside the API-usage model
    (one limit for both) the two took 38-42 s together, 32-39 s this way. Most keys are held by one row: a narrow
    grouping finds the others, and only their rows are sorted. -#}

{#- The keys more than one row of `relation` holds (`keys` are never null). -#}
{% macro repeated_keys(relation, keys) -%}
    select {{ keys | join(', ') }}
    from {{ relation }}
    group by {{ keys | join(', ') }}
    having count(*) > 1
{%- endmacro %}

{#- Every column of `relation` for each key's first row by `order_by`, with `sighting` (1, that first row's
    rank): a key with one row keeps it as it is, and the keys in `repeated` (their `repeated_keys`) are ranked. -#}
{% macro first_row_per_key(relation, repeated, keys, order_by) -%}
    select
        candidate.*,
        1 as sighting
    from {{ relation }} as candidate
    where not exists (
        select 1 from {{ repeated }} as repeated
        where {{ keys_match('repeated', 'candidate', keys) }}
    )
    union all
    select ranked.*
    from (
        select
            candidate.*,
            row_number() over (
                partition by {{ keys | join(', ') }} order by {{ order_by | join(', ') }}
            ) as sighting
        from {{ relation }} as candidate
        where exists (
            select 1 from {{ repeated }} as repeated
            where {{ keys_match('repeated', 'candidate', keys) }}
        )
    ) as ranked
    where ranked.sighting = 1
{%- endmacro %}

{#- `left` and `right` (relation aliases) agree on every one of `keys`. -#}
{% macro keys_match(left, right, keys) -%}
    {% for key in keys %}{{ left }}.{{ key }} = {{ right }}.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
{%- endmacro %}

{#- A surrogate key: the hash of the columns' text, '|'-separated (nulls as empty text). -#}
{% macro row_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ dbt.hash(parts | join(" || '|' || ")) }}
{%- endmacro %}

{#- A raw relation's rows (aliased raw_rows) with `_landing_path`: the file's path inside its landing folder.
    The loader records absolute paths; keys built on the landing path are the same wherever the folder lives,
    so two homes that load the same files build the same keys (and tie-breaks on them agree). -#}
{% macro with_landing_path(relation) -%}
    select
        raw_rows.*,
        case
            when substr(raw_rows._source_file, 1, length(load_batches.landing_dir) + 1) = load_batches.landing_dir || '/'
                then substr(raw_rows._source_file, length(load_batches.landing_dir) + 2)
            else raw_rows._source_file
        end as _landing_path
    from {{ relation }} as raw_rows
    left join {{ source('loader', 'load_batches') }} as load_batches on raw_rows._batch_id = load_batches.batch_id
{%- endmacro %}

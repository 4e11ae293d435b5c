{#- Incremental strategy per engine: DuckDB replaces rows by key; Spark without Delta/Iceberg cannot
    merge, so it overwrites the partitions the run touched. -#}
{% macro incremental_strategy() -%}
    {{ return('delete+insert' if target.type == 'duckdb' else 'insert_overwrite') }}
{%- endmacro %}

{#- An order-independent fingerprint of a group of rows: the XOR of each row's hash of the columns. Two builds
    of the same rows agree; any added, removed or changed row changes it (but for a 2^-64 chance). -#}
{% macro fingerprint(columns) -%}
    bit_xor(hash({{ columns | join(', ') }}))
{%- endmacro %}

{#- Rows that stand for a key the upstream no longer has, so delete+insert deletes its built rows: every column
    null but the key (DuckDB only; Spark's partition overwrite has no use for them). Appended to the
    incremental select with union all; `delete_tombstones` removes them once the insert is done. -#}
{% macro tombstones(relation, changed, key) -%}
    {%- if target.type == 'duckdb' %}
    union all
    select nothing.* replace ({{ changed }}.{{ key }} as {{ key }})
    from {{ changed }}
    left join (select * from {{ relation }} where false) as nothing on true
    where {{ changed }}.is_vanished
    {%- endif %}
{%- endmacro %}

{% macro delete_tombstones(column) -%}
    {%- if is_incremental() and target.type == 'duckdb' -%}
        delete from {{ this }} where {{ column }} is null
    {%- endif -%}
{%- endmacro %}

{#- Incremental strategy per engine: DuckDB replaces rows by key; Spark without Delta/Iceberg cannot
    merge, so it overwrites the partitions the run touched. -#}
{% macro incremental_strategy() -%}
    {{ return('delete+insert' if target.type == 'duckdb' else 'insert_overwrite') }}
{%- endmacro %}

{#- Rows at or after this point are rebuilt by an incremental run (late events land inside the window). -#}
{% macro incremental_cutoff(timestamp_column) -%}
    {{ dbt.dateadd('hour', -1 * var('incremental_lookback_hours'), '(select max(' ~ timestamp_column ~ ') from ' ~ this ~ ')') }}
{%- endmacro %}

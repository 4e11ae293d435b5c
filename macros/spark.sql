{#- Spark: the loader's raw tables, exported to Parquet by `ai-telemetry spark`, registered as tables of the
    `raw` database over those files (nothing copied), so the sources read as they do on DuckDB. -#}
{% macro register_raw_tables(folder, tables) -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for table in tables -%}
        {%- do run_query('drop table if exists raw.' ~ adapter.quote(table)) -%}
        {%- do run_query(
            'create table raw.' ~ adapter.quote(table) ~ ' using parquet location '
            ~ "'" ~ (folder ~ '/' ~ table) | replace("'", "''") ~ "'"
        ) -%}
    {%- endfor -%}
    {{ log('registered ' ~ tables | length ~ ' raw tables over ' ~ folder, info=true) }}
{%- endmacro %}


{#- Seeds on a Spark session: dbt-spark 1.11 formats each value into its insert as '<value>' without escaping
    (an apostrophe in a description breaks the statement), so the values are written here as escaped
    literals, one batch per statement. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set column_type = column_override.get(
                        agate_table.column_names[loop.index0], adapter.convert_type(agate_table, loop.index0)
                    ) -%}
                    cast({{ spark_literal(value) }} as {{ column_type }}){{ ', ' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) if loop.first -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}

{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}


{#- Spark's varchar needs a length; the contracts say varchar, which on Spark is a string. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | trim | lower == 'varchar' else type }})
{%- endmacro %}


{#- dbt-spark 1.11's dateadd goes through unix timestamps in whole seconds, so a timestamp's fraction of a second
    is lost (13:32:00.224 + 30 minutes = 14:02:00.000: a Cursor request 29 min 59.9 s later started a new
    session; found by the mart comparison). Spark's timestampadd keeps microseconds. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart | upper }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

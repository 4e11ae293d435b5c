{#- Engine-specific SQL lives here, dispatched per adapter: DuckDB first, a default (Spark SQL) beside it. -#}

{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'ai_telemetry')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '{{ path }}')
{%- endmacro %}

{#- Spark's JSON paths quote a key as ['key'], not ."key" (Cursor's columns have spaces). -#}
{% macro default__json_text(column, path) -%}
    get_json_object({{ column }}, '{{ modules.re.sub('\\."([^"]+)"', "[\\'\\1\\']", path) }}')
{%- endmacro %}

{#- The texts of several JSON fields of a column, as one list: DuckDB parses each value once for all of them
    (a json_text per field parses it once per field; 19 fields of Cursor's daily records took 0.75 s against
    0.17 s at 5M transcript lines). Read one with json_text_at and the same `paths`. -#}
{% macro json_texts(column, paths) -%}
    {{ return(adapter.dispatch('json_texts', 'ai_telemetry')(column, paths)) }}
{%- endmacro %}

{% macro duckdb__json_texts(column, paths) -%}
    json_extract_string({{ column }}, [{% for path in paths %}'{{ path }}'{{ ', ' if not loop.last }}{% endfor %}])
{%- endmacro %}

{% macro default__json_texts(column, paths) -%}
    array({% for path in paths %}{{ default__json_text(column, path) }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The text of the field at `path` in a list made by json_texts(column, paths). -#}
{% macro json_text_at(texts, paths, path) -%}
    {{ return(adapter.dispatch('json_text_at', 'ai_telemetry')(texts, paths.index(path) + 1)) }}
{%- endmacro %}

{% macro duckdb__json_text_at(texts, position) -%}
    {{ texts }}[{{ position }}]
{%- endmacro %}

{% macro default__json_text_at(texts, position) -%}
    element_at({{ texts }}, {{ position }})
{%- endmacro %}


{% macro iso_to_utc(expression) -%}
    {{ return(adapter.dispatch('iso_to_utc', 'ai_telemetry')(expression)) }}
{%- endmacro %}

{#- A timestamp written without a zone is UTC, whatever the zone of the session that reads the view. -#}
{% macro duckdb__iso_to_utc(expression) -%}
    case
        when regexp_matches({{ expression }}, ':[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('UTC', try_cast({{ expression }} as timestamptz))
        else try_cast({{ expression }} as timestamp)
    end
{%- endmacro %}

{% macro default__iso_to_utc(expression) -%}
    to_utc_timestamp(try_to_timestamp({{ expression }}), 'UTC')
{%- endmacro %}


{% macro epoch_ns_to_utc(expression) -%}
    {{ return(adapter.dispatch('epoch_ns_to_utc', 'ai_telemetry')(expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_ns_to_utc(expression) -%}
    make_timestamp(cast({{ expression }} as bigint) // 1000)
{%- endmacro %}

{% macro default__epoch_ns_to_utc(expression) -%}
    timestamp_micros(cast({{ expression }} as bigint) div 1000)
{%- endmacro %}


{% macro epoch_ms_to_utc(expression) -%}
    {{ return(adapter.dispatch('epoch_ms_to_utc', 'ai_telemetry')(expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_ms_to_utc(expression) -%}
    make_timestamp(cast({{ expression }} as bigint) * 1000)
{%- endmacro %}

{% macro default__epoch_ms_to_utc(expression) -%}
    timestamp_millis(cast({{ expression }} as bigint))
{%- endmacro %}


{#- One row per list element; use as a select-list expression. -#}
{% macro explode(expression) -%}
    {{ return(adapter.dispatch('explode', 'ai_telemetry')(expression)) }}
{%- endmacro %}

{% macro duckdb__explode(expression) -%}
    unnest({{ expression }})
{%- endmacro %}

{% macro default__explode(expression) -%}
    explode({{ expression }})
{%- endmacro %}


{#- Seconds (fractional) from one timestamp to a later one. -#}
{% macro seconds_between(start, finish) -%}
    {{ return(adapter.dispatch('seconds_between', 'ai_telemetry')(start, finish)) }}
{%- endmacro %}

{#- In whole microseconds, then seconds: epoch() is a double of about 1.7e9 seconds, so a difference of two had
    errors near 1e-7 s (a 30-minute gap could read 1800.0000001 and split a session; found by the Spark build). -#}
{% macro duckdb__seconds_between(start, finish) -%}
    ((epoch_us({{ finish }}) - epoch_us({{ start }})) / 1000000.0)
{%- endmacro %}

{% macro default__seconds_between(start, finish) -%}
    ((unix_micros(cast({{ finish }} as timestamp)) - unix_micros(cast({{ start }} as timestamp))) / 1000000.0)
{%- endmacro %}


{#- Values of a group joined into one string, in a given order. -#}
{% macro ordered_string_agg(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'ai_telemetry')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro default__ordered_string_agg(expression, separator, order_by) -%}
    array_join(transform(array_sort(collect_list(struct({{ order_by }}, {{ expression }}))), x -> x.{{ expression }}), {{ separator }})
{%- endmacro %}


{#- The first element of a list (DuckDB lists count from 1, Spark arrays from 0). -#}
{% macro first_element(expression) -%}
    {{ return(adapter.dispatch('first_element', 'ai_telemetry')(expression)) }}
{%- endmacro %}

{% macro duckdb__first_element(expression) -%}
    {{ expression }}[1]
{%- endmacro %}

{% macro default__first_element(expression) -%}
    element_at({{ expression }}, 1)
{%- endmacro %}


{#- Per group, the `columns` of the row whose `order_by` expressions are smallest (compared in order), as a
    struct read by name (`first['column']`): one aggregate instead of a row_number() window filtered to 1
    (twice as fast on DuckDB at a million rows). `last_by` takes the row whose `order_by` expressions are greatest. -#}
{% macro first_by(columns, order_by) -%}
    {{ return(row_by(columns, order_by, 'min')) }}
{%- endmacro %}

{% macro last_by(columns, order_by) -%}
    {{ return(row_by(columns, order_by, 'max')) }}
{%- endmacro %}

{#- Called by name, not dispatched from the two above: the code checksum (macros/incremental.sql) follows the
    calls dbt's parser sees to find the implementations a dispatch may pick. -#}
{% macro row_by(columns, order_by, extreme) -%}
    {{ return(adapter.dispatch('row_by', 'ai_telemetry')(columns, order_by, extreme)) }}
{%- endmacro %}

{% macro duckdb__row_by(columns, order_by, extreme) -%}
    arg_{{ extreme }}(
        struct_pack({% for column in columns %}{{ column }} := {{ column }}{{ ', ' if not loop.last }}{% endfor %}),
        {{ order_key(order_by) }}
    )
{%- endmacro %}

{% macro default__row_by(columns, order_by, extreme) -%}
    {{ extreme }}_by(
        named_struct({% for column in columns %}'{{ column }}', {{ column }}{{ ', ' if not loop.last }}{% endfor %}),
        {{ order_key(order_by) }}
    )
{%- endmacro %}

{#- Expressions as one value that orders as they do, in turn: a struct whose fields are k1, k2, ... (min() of it
    is the first row's key by that order). -#}
{% macro order_key(expressions) -%}
    {{ return(adapter.dispatch('order_key', 'ai_telemetry')(expressions)) }}
{%- endmacro %}

{% macro duckdb__order_key(expressions) -%}
    struct_pack({% for expression in expressions %}k{{ loop.index }} := {{ expression }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro default__order_key(expressions) -%}
    named_struct({% for expression in expressions %}'k{{ loop.index }}', {{ expression }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}


{#- Money as an exact decimal: sums of decimals do not depend on the order rows are added in, so
    parallel aggregation gives the same cents on every run (sums of doubles do not). -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(38, 10))
{%- endmacro %}


{#- The warehouse's tables with their row estimates, from the engine's catalog. -#}
{% macro table_storage() -%}
    {{ return(adapter.dispatch('table_storage', 'ai_telemetry')()) }}
{%- endmacro %}

{% macro duckdb__table_storage() -%}
    select
        schema_name as table_schema,
        table_name,
        estimated_size as estimated_rows,
        column_count
    from duckdb_tables()
    -- dbt's build-time scratch tables (__dbt_tmp) are not the warehouse's.
    where database_name = current_database() and not temporary and table_name not like '%__dbt_tmp%'
{%- endmacro %}

{#- Spark has no catalog view to select from: the tables of every schema this project builds are listed when
    the model runs (SHOW TABLES), with no row estimate. -#}
{% macro default__table_storage() -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for schema in graph.nodes.values() | selectattr('resource_type', 'in', ['model', 'seed'])
            | map(attribute='schema') | unique | sort -%}
            {%- if adapter.check_schema_exists(target.database, schema) -%}
                {%- for row in run_query('show tables in ' ~ schema) -%}
                    {%- if not row['isTemporary'] and '__dbt_tmp' not in row['tableName'] -%}
                        {%- do found.append((schema, row['tableName'])) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select
        table_schema,
        table_name,
        cast(null as bigint) as estimated_rows,
        cast(null as bigint) as column_count
    from values
    {%- for schema, table in found %}
        ('{{ schema }}', '{{ table }}'){{ ',' if not loop.last }}
    {%- else %}
        (cast(null as string), cast(null as string))
    {%- endfor %} as storage (table_schema, table_name)
    {%- if not found %}
    where false
    {%- endif %}
{%- endmacro %}


{#- True when `pattern` (an RE2 / Java regular expression) matches somewhere in `expression`. -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'ai_telemetry')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ pattern }})
{%- endmacro %}

{#- Written after `as` in a CTE read more than once that is cheaper to compute again than to hold: DuckDB keeps
    such a CTE whole for the query (at 10M transcript lines fct_sessions held three copies of its events and
    spilled 25 GB to disk); Spark inlines every CTE. The CTEs an inlined one reads are then read as often as it
    is, so they need it too unless holding them is meant. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'ai_telemetry')()) }}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

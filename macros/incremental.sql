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

{#- When this dbt invocation started, as a column's value: each row an incremental model writes carries the run
    that wrote it (fct_events.built_at), so a model downstream can tell what changed since it last read. -#}
{% macro run_started_at_value() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- A group of fct_events' rows as they stand, without reading them whole: their count and the newest run that wrote
    one (built_at). fct_events rewrites all of a developer's day when any of its rows differ, and each row it writes
    carries a newer run, while a row it removes lowers the count: any change to the group changes this. Rows
    written before built_at existed hold null; the first rewrite changes the group's value too. -#}
{% macro written_fingerprint() -%}
    hash(count(*), max(built_at))
{%- endmacro %}

{#- A group of rows' fingerprint with its row count, as one value. -#}
{% macro scope_fingerprint(columns) -%}
    hash(count(*), {{ fingerprint(columns) }})
{%- endmacro %}

{#- The end of an incremental model whose last CTE is `final`: its rows for every key whose rows differ from
    what is built (row count or fingerprint), and a tombstone for each key the upstream no longer has (every
    column null but the key, DuckDB only: Spark's partition overwrite needs none), which delete+insert uses to
    delete the key's built rows and `delete_tombstones` then removes. `key` is a column or a list of columns
    (never null). When `final` computes only some keys, `built_where` limits the built rows compared to those. -#}
{% macro select_changed(key, columns, built_where=none) -%}
    {%- set keys = [key] if key is string else key -%}
    {%- set key_list = keys | join(', ') -%}
    , changed_keys as (
        select
            {%- for k in keys %}
            coalesce(current_rows.{{ k }}, built_rows.{{ k }}) as {{ k }},
            {%- endfor %}
            current_rows.row_count is null as is_vanished
        from (
            select
                {{ key_list }},
                count(*) as row_count,
                {{ fingerprint(columns) }} as fingerprint
            from final
            group by {{ key_list }}
        ) as current_rows
        full outer join (
            select
                {{ key_list }},
                count(*) as row_count,
                {{ fingerprint(columns) }} as fingerprint
            from {{ this }}
            {%- if built_where %}
            where {{ built_where }}
            {%- endif %}
            group by {{ key_list }}
        ) as built_rows
            on {{ keys_match('current_rows', 'built_rows', keys) }}
        where
            current_rows.row_count is null
            or built_rows.row_count is null
            or current_rows.row_count != built_rows.row_count
            or current_rows.fingerprint != built_rows.fingerprint
    )

    select final.* from final
    inner join changed_keys
        on {{ keys_match('final', 'changed_keys', keys) }}
    {%- if target.type == 'duckdb' %}
    union all
    select nothing.* replace ({% for k in keys %}changed_keys.{{ k }} as {{ k }}{{ ', ' if not loop.last }}{% endfor %})
    from changed_keys
    left join (select * from final where false) as nothing on true
    where changed_keys.is_vanished
    {%- endif %}
{%- endmacro %}

{% macro delete_tombstones(column) -%}
    {%- if is_incremental() and target.type == 'duckdb' -%}
        delete from {{ this }} where {{ column }} is null
    {%- endif -%}
{%- endmacro %}

{#- The Claude Code staging models deduplicate raw lines (a resumed session replays its earlier lines; a
    response is written as several lines). On DuckDB they keep the result: a run reads only the lines loaded
    since the newest it kept, with the kept rows of the same keys, and replaces those keys. The OTel and Cursor
    usage-event staging models keep what they parsed the same way (each line is its own rows: they append).
    Spark reads them as views (its tables cannot merge without Delta or Iceberg). -#}
{% macro deduplicated_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'view') }}
{%- endmacro %}

{#- An intermediate model that keeps what it computed (on DuckDB) and adds to it what its inputs gained since;
    a table elsewhere (Spark's tables cannot merge). -#}
{% macro kept_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{#- The newest load time among the rows kept; the earliest time there is when none are. -#}
{% macro kept_through() -%}
    (select coalesce(max(kept.loaded_at), cast('1970-01-01 00:00:00+00' as timestamp with time zone)) from {{ this }} as kept)
{%- endmacro %}

{#- A deduplicating model's candidate rows: the CTE `relation`'s, and, when it merges into what it kept, its kept
    rows of the same `keys` (the winner may be among them). -#}
{% macro with_kept_rows(relation, keys, merging) -%}
    select * from {{ relation }}
    {%- if merging %}
    union all by name
    select kept.* from {{ this }} as kept
    where exists (
        select 1 from {{ relation }} as new_rows
        where {{ keys_match('kept', 'new_rows', keys) }}
    )
    {%- endif %}
{%- endmacro %}

{#- True for a raw line a run of this model has not yet read (every line when it does not merge). A load holds
    the warehouse for writing until it has written all its lines, and gives them a time later than every
    earlier load's (the loader's `_load_time`), so every line of the newest load kept was read in the run that
    kept it. -#}
{% macro unread_lines(merging, column='_loaded_at') -%}
    {%- if merging -%}
        {{ column }} > {{ kept_through() }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: the model forgets everything it kept, and the run rebuilds it from all of raw, when a merge of new
    lines cannot make it right: the model's own SQL (or what `code_checksum` adds to it) changed since it was
    built (its checksum is kept in the table's comment by `remember_code`; a table built by older code may not
    even have the columns a merge reads), or a replaced or truncated transcript's rows were deleted from raw
    (retracted) since. -#}
{% macro forget_if_stale(source_name=none) -%}
    {%- if execute and is_incremental() and target.type == 'duckdb' -%}
        {%- if not built_by_this_code() -%}
            delete from {{ this }}
        {%- elif source_name -%}
            delete from {{ this }}
            where exists (
                select 1 from {{ source('loader', 'load_manifest') }}
                where source = '{{ source_name }}' and rows_retracted > 0 and loaded_at > {{ kept_through() }}
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- `is_incremental()`, unless the table was built by other code than this (its SQL or code inputs changed): then the
    run computes every row, which `forget_if_stale` has made room for, and `on_schema_change='sync_all_columns'`
    gives the table the new code's columns. A model that uses it needs no `--full-refresh` after a change. -#}
{% macro merges_into_kept() -%}
    {#- While dbt parses, the merging branch: it calls every macro the other does and more, so the parsed node's
        macros (what `code_checksum` reads) are the same whichever branch a run takes. -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {#- Spark: its tables cannot merge, and without partitions an insert_overwrite replaces the whole table, so
        every run computes every row. -#}
    {%- if not is_incremental() or target.type != 'duckdb' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(built_by_this_code()) }}
{%- endmacro %}

{#- True when the table's kept checksum (`remember_code`) is this code's; it runs a query, so only while executing. -#}
{% macro built_by_this_code() -%}
    {%- set kept = run_query(kept_code()) -%}
    {{ return(kept.rows | length == 1 and kept.rows[0][0] == code_checksum()) }}
{%- endmacro %}

{#- The checksum of the code this table was built by, as `remember_code` kept it (its comment). -#}
{% macro kept_code() -%}
    select comment from duckdb_tables()
    where
        database_name = '{{ this.database }}'
        and schema_name = '{{ this.schema }}'
        and table_name = '{{ this.identifier }}'
{%- endmacro %}

{#- The model's file and what its SQL depends on from elsewhere: the project's macros it calls (and those they
    call), the values in its `meta.code_inputs` (vars) and, with `meta.parents_in_checksum`, the files of the
    models and seeds it reads (a seed's file is its data: a price table edited and seeded again changes it). -#}
{% macro code_checksum() -%}
    {%- set meta = config.get('meta') -%}
    {%- set inputs = (meta.get('code_inputs', []) if meta is mapping else []) | list -%}
    {#- The macros of the node as parsed, not as this run renders it: a render records only the macros its branch
        called (merging or not), and a checksum that followed it changed from run to run. -#}
    {%- set parsed = graph.get('nodes', {}).get(model.unique_id) -%}
    {%- for macro_id in project_macros_called((parsed or model).depends_on.macros) -%}
        {%- do inputs.append(macro_id ~ '=' ~ local_md5(context[macro_id.split('.')[-1]].macro.macro_sql)) -%}
    {%- endfor -%}
    {%- if meta is mapping and meta.get('parents_in_checksum') -%}
        {%- for node_id in model.depends_on.nodes | sort -%}
            {%- set parent = graph.nodes.get(node_id) -%}
            {%- if parent -%}
                {%- do inputs.append(node_id ~ '=' ~ parent.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('sql ' ~ model.checksum.checksum ~ ((' ' ~ local_md5(inputs | join('|'))) if inputs else '')) }}
{%- endmacro %}

{#- The unique ids of this project's macros among `called` and the macros they call, with the implementations
    an `adapter.dispatch` may pick (`<engine>__name`, `default__name`, which dbt's parser cannot see), sorted.
    dbt's own macros change only with dbt. -#}
{% macro project_macros_called(called) -%}
    {%- set prefix = 'macro.' ~ project_name ~ '.' -%}
    {%- set found = [] -%}
    {%- set pending = called | list -%}
    {#- Jinja has no while loop: each pass follows one level of calls; no macro here nests more than a few deep. -#}
    {%- for _ in range(20) if pending -%}
        {%- set next_level = [] -%}
        {%- for macro_id in pending if macro_id.startswith(prefix) and macro_id not in found -%}
            {%- set name = macro_id.split('.')[-1] -%}
            {%- do found.append(macro_id) -%}
            {%- do next_level.extend(context[name].macro.depends_on.macros) -%}
            {%- for engine in [target.type, 'default'] -%}
                {%- set implementation = context.get(engine ~ '__' ~ name) -%}
                {%- if implementation and implementation.macro.unique_id.startswith(prefix) -%}
                    {%- do next_level.append(implementation.macro.unique_id) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- do pending.clear() -%}
        {%- do pending.extend(next_level) -%}
    {%- endfor -%}
    {{ return(found | sort) }}
{%- endmacro %}

{#- Post-hook: the code this table was built by (see forget_if_stale). -#}
{% macro remember_code() -%}
    {%- if target.type == 'duckdb' -%}
        comment on table {{ this }} is '{{ code_checksum() }}'
    {%- endif -%}
{%- endmacro %}

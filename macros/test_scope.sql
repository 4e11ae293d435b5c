{#- Row tests on new data only. The large staging models (and their raw source) are computed whole for every
    data test, and most of their tests look at one row, or one owner's rows, at a time.
    A row that passed once passes again unless its lines changed, so a build on new data tests only the rows
    of the transcript owners (~/.claude folders) with lines in loads after the last whole-project build whose
    tests all passed. orchestration/build_state.py writes those owners to main.test_scope before a build, and
    drops the table when the project changed or a file was replaced since (rows retracted): then every row is
    tested, as in a first build. Keys with the owner in them (unique_key on transcript_owner and more, or a
    key hashed from its owner) are tested per owner too; other tests across rows (unique, relationships) read the
    whole model, but for the unique tests of rows written anew (below).

    A test opts in with `where: __since_tested__` (dbt_project.yml sets it for the Claude Code folder).

    A `unique` test across a whole model opts in with `where: __written_since__` and `meta: {written_at: <column>}`
    (written_since_condition). -#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__since_tested__' in where -%}
        {%- set where = where | replace('__since_tested__', since_tested_condition()) -%}
    {%- endif -%}
    {%- if where and '__written_since__' in where -%}
        {%- set where = where | replace('__written_since__', written_since_condition(relation)) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro since_tested_condition() -%}
    {%- if not execute or target.type != 'duckdb' or model.test_metadata is not defined -%}
        {%- do return('true') -%}
    {%- endif -%}
    {#- A key with the owner in it repeats only within one owner's rows, so it too is tested per owner: a
        unique_key on transcript_owner and more, or a unique key hashed from its owner (meta.key_holds_owner). -#}
    {%- set test = model.test_metadata -%}
    {%- set row_test = test.name in ['not_null', 'accepted_values', 'non_negative'] -%}
    {%- set owner_key = (test.name == 'unique_key' and 'transcript_owner' in (test.kwargs.get('columns') or []))
        or (test.name == 'unique' and (model.config.meta or {}).get('key_holds_owner')) -%}
    {%- if not (row_test or owner_key) -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set scope = adapter.get_relation(database=target.database, schema='main', identifier='test_scope') -%}
    {%- if scope is none -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set owners = run_query('select transcript_owner from ' ~ scope ~ ' order by 1').columns[0].values() -%}
    {%- if owners | length == 0 -%}
        {%- do return('false') -%}
    {%- endif -%}
    {#- A list of values, not a subquery: DuckDB pushes it below the staging models' per-owner aggregates and
        windows, so only those owners' rows are computed at all. A raw source names the column with a _. -#}
    {%- set column = '_transcript_owner' if model.sources | length > 0 else 'transcript_owner' -%}
    {%- set quoted = [] -%}
    {%- for owner in owners -%}
        {%- do quoted.append("'" ~ owner | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- do return(column ~ ' in (' ~ quoted | join(', ') ~ ')') -%}
{%- endmacro %}

{#- A unique test on the values written since the last passing whole-project build, against every row. Those
    rows passed it, so a value can repeat now only if one of its rows was written since: the test reads the rows
    holding such a value, not all of them (at 5M transcript lines it grouped 4.4M event keys every build).
    `meta.written_at` names a column that every row gets anew whenever it is written: fct_events' `built_at` (its
    run's start), or an append-only model's `loaded_at` (its line's load). build_state.py writes when the last
    passing build began, before dbt started, to main.test_scope_since under the rules of main.test_scope: a load
    and a build never hold the warehouse at once, so every row written since (by that build too) is newer, and
    every older row passed. A model that rewrites a kept row with its old value (a merge) must not opt in.
    Without that table, or in a full refresh (a model rebuilt from all of raw keeps its rows' old load times),
    every value is tested. -#}
{% macro written_since_condition(relation) -%}
    {%- if not execute or target.type != 'duckdb' or model.test_metadata is not defined or flags.FULL_REFRESH -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set column = model.test_metadata.kwargs.get('column_name') -%}
    {%- set written_at = (model.config.meta or {}).get('written_at') -%}
    {%- if model.test_metadata.name != 'unique' or not column or not written_at -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set scope = adapter.get_relation(database=target.database, schema='main', identifier='test_scope_since') -%}
    {%- if scope is none -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set since = run_query("select strftime(began_at, '%Y-%m-%d %H:%M:%S.%f+00') from " ~ scope) -%}
    {%- if since.rows | length != 1 -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set written -%}
        select {{ column }} from {{ relation }}
        where {{ written_at }} > cast('{{ since.rows[0][0] }}' as timestamp with time zone)
    {%- endset -%}
    {%- do return(column ~ ' in (' ~ written ~ ')') -%}
{%- endmacro %}

{#- Row tests on new data only. The large staging models (and their raw source) are computed whole for every
    data test, and most of their tests look at one row, or one owner's rows, at a time.
    A row that passed once passes again unless its lines changed, so a build on new data tests only the rows
    of the transcript owners (~/.claude folders) with lines in loads after the last whole-project build whose
    tests all passed. orchestration/build_state.py writes those owners to main.test_scope before a build, and
    drops the table when the project changed or a file was replaced since (rows retracted): then every row is
    tested, as in a first build. Keys with the owner in them (unique_key on transcript_owner and more) are
    tested per owner too; other tests across rows (unique, relationships) always read the whole model.

    A test opts in with `where: __since_tested__` (dbt_project.yml sets it for the Claude Code folder). -#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__since_tested__' in where -%}
        {%- set where = where | replace('__since_tested__', since_tested_condition()) -%}
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
    {#- A key with the owner in it repeats only within one owner's rows, so it too is tested per owner. -#}
    {%- set test = model.test_metadata -%}
    {%- set row_test = test.name in ['not_null', 'accepted_values', 'non_negative'] -%}
    {%- set owner_key = test.name == 'unique_key' and 'transcript_owner' in (test.kwargs.get('columns') or []) -%}
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

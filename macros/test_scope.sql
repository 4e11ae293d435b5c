{#- Row tests on new rows only. The large staging models (and their raw source) are re-read whole by every
    data test, and most of their tests look at one row at a time: not_null, accepted_values, non_negative.
    A row that passed once passes again unless its lines changed, so a build on new data tests only rows of
    load batches that started after the newest one the last passing build had. orchestration/build_state.py
    writes that start time to main.test_scope before a build, and leaves the table empty when the project
    changed or a file was replaced since (rows retracted): then every row is tested, as in a first build.
    Tests that compare rows with each other (unique, relationships) always read the whole model.

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
    {%- set row_tests = ['not_null', 'accepted_values', 'non_negative'] -%}
    {%- if not execute or target.type != 'duckdb' or model.test_metadata is not defined
        or model.test_metadata.name not in row_tests -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set scope = adapter.get_relation(database=target.database, schema='main', identifier='test_scope') -%}
    {%- set batches = adapter.get_relation(database=target.database, schema='raw', identifier='load_batches') -%}
    {%- if scope is none or batches is none -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set found = run_query('select max(tested_through) from ' ~ scope) -%}
    {%- if found.columns[0].values()[0] is none -%}
        {%- do return('true') -%}
    {%- endif -%}
    {#- Batch ids are not ordered (a time and a random part); their start times are, one load at a time. A raw
        source names its batch column _batch_id; the staging models, batch_id. -#}
    {%- set column = '_batch_id' if model.sources | length > 0 else 'batch_id' -%}
    {%- set condition -%}
        {{ column }} in (
            select batch_id from {{ batches }}
            where started_at > (select max(tested_through) from {{ scope }})
        )
    {%- endset -%}
    {%- do return(condition) -%}
{%- endmacro %}

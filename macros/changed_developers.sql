{#- fct_events on DuckDB compares only the developers whose events may have changed since its last run, when it
    can tell which those are; otherwise every developer's days, as on a first incremental run.

    A run keeps its state in the table's comment: the checksum of the code it was built by (its own and every
    model and seed it reads, directly or not, with the project's macros they call and their meta.code_inputs),
    a fingerprint of the identity links, the newest load, and the newest row of each input a new line reaches it
    through (`watched_inputs`). The next run names the changed developers only when the code and the links are
    the same and no load since retracted rows (a replaced or truncated file): then an event can change only
    through a newer row of one of those inputs, or a developer's team or persona. Each input's own newest row,
    not the newest load, marks what was read: an input not yet rebuilt since a load (a run of fct_events alone)
    shows its new rows to the run after it is. The changed developers are:
    - the developers of every transcript owner (~/.claude folder) with a newer row: an event is its owner's
      session's, so a new line can change only its owner's events (the session's context among them);
    - the developers of the Cursor emails with a newer request or daily record;
    - every developer with OpenTelemetry events now or before: they are the sessions no transcript describes,
      which a new transcript anywhere can take away (few rows, computed whole anyway);
    - the developers whose team or persona differs from their built events'.
    Above `changed_developers_limit` of them, a whole comparison costs about the same: it runs instead. -#}

{% macro changed_developers_limit() -%}
    {{ return(2000) }}
{%- endmacro %}

{#- The inputs of fct_events a new line reaches it through, each with `loaded_at` and the column that says whose
    row it is (a transcript owner or a Cursor email). Called while dbt parses too, so the refs are dependencies. -#}
{% macro watched_inputs() -%}
    {{ return([
        (ref('stg_claude_code__messages'), 'transcript_owner'),
        (ref('stg_claude_code__system_events'), 'transcript_owner'),
        (ref('base_claude_code__tool_uses'), 'transcript_owner'),
        (ref('base_claude_code__tool_results'), 'transcript_owner'),
        (ref('int_api_usage_costed'), 'transcript_owner'),
        (ref('int_claude_code_sessions_context'), 'transcript_owner'),
        (ref('stg_cursor__usage_events'), 'user_email'),
        (ref('stg_cursor__daily_usage'), 'user_email'),
    ]) }}
{%- endmacro %}

{#- The developers a run of fct_events must compare (a list), or none for all. -#}
{% macro changed_developers() -%}
    {%- set watched = watched_inputs() -%}
    {%- set manifest = source('loader', 'load_manifest') -%}
    {%- if not execute or not is_incremental() or target.type != 'duckdb' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set kept = run_query(kept_code()) -%}
    {%- set kept_state = kept.rows[0][0] if kept.rows | length == 1 else none -%}
    {%- set prefix = events_inputs_state() ~ ' through ' -%}
    {%- if not kept_state or not kept_state.startswith(prefix) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set read = fromjson(kept_state[prefix | length:]) -%}
    {%- set retracted -%}
        select count(*) from {{ manifest }}
        where rows_retracted > 0 and loaded_at > cast('{{ read["loads"] }}' as timestamp with time zone)
    {%- endset -%}
    {%- if run_query(retracted).rows[0][0] > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set developers = run_query(changed_developers_sql(watched, read)).columns[0].values() | list -%}
    {{ return(developers if developers | length <= changed_developers_limit() else none) }}
{%- endmacro %}

{% macro changed_developers_sql(watched, read) -%}
    {%- set newer = {} -%}
    {%- for relation, column in watched -%}
        {%- set row -%}
            select {{ column }} from {{ relation }}
            where loaded_at > cast('{{ read.get(relation.identifier, "-infinity") }}' as timestamp with time zone)
        {%- endset -%}
        {%- do newer.setdefault(column, []).append(row) -%}
    {%- endfor -%}
    with

    new_owners as (
        {{ newer['transcript_owner'] | join('\n        union\n        ') }}
    ),

    new_emails as (
        {{ newer['user_email'] | join('\n        union\n        ') }}
    ),

    built_people as (
        select distinct
            developer_id,
            team,
            persona
        from {{ this }}
    ),

    changed as (
        select sessions.developer_id
        from {{ ref('int_claude_code_sessions_context') }} as sessions
        inner join new_owners on sessions.transcript_owner = new_owners.transcript_owner

        union

        select {{ email_developer_id('links.developer_id', 'new_emails.user_email') }} as developer_id
        from new_emails
        left join {{ ref('int_identifiers_linked') }} as links
            on links.identifier_type = 'email' and new_emails.user_email = links.identifier_value

        union

        select developer_id from {{ ref('int_otel__events') }}

        union

        select developer_id from {{ this }}
        where source_kind like 'otel:%'

        union

        select built_people.developer_id
        from built_people
        left join {{ ref('int_developers_enriched') }} as developers
            on built_people.developer_id = developers.developer_id
        where
            built_people.team is distinct from developers.team
            or built_people.persona is distinct from developers.persona
    )

    select developer_id from changed
    order by developer_id
{%- endmacro %}

{#- What fct_events' rows follow from besides the raw lines: its code and its ancestors', and the identity links. -#}
{% macro events_inputs_state() -%}
    {%- set links -%}
        select {{ scope_fingerprint(['identifier_type', 'identifier_value', 'developer_id']) }}
        from {{ ref('int_identifiers_linked') }}
    {%- endset -%}
    {{ return(lineage_checksum() ~ ' links ' ~ run_query(links).rows[0][0]) }}
{%- endmacro %}

{#- Post-hook: the state a later run of fct_events compares against (see above): what it was built from, and how
    far it has read the loads and each watched input. -#}
{% macro remember_events_state() -%}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set newest -%}
            select
                cast(coalesce(max(loaded_at), '-infinity') as {{ dbt.type_string() }}) as loads
                {%- for relation, _ in watched_inputs() %},
                (
                    select cast(coalesce(max(loaded_at), '-infinity') as {{ dbt.type_string() }})
                    from {{ relation }}
                ) as {{ relation.identifier }}
                {%- endfor %}
            from {{ source('loader', 'load_manifest') }}
        {%- endset -%}
        {%- set table = run_query(newest) -%}
        {%- set read = {} -%}
        {%- for name in table.column_names -%}
            {%- do read.update({name: table.rows[0][name]}) -%}
        {%- endfor -%}
        comment on table {{ this }} is '{{ events_inputs_state() }} through {{ tojson(read, sort_keys=true) }}'
    {%- endif -%}
{%- endmacro %}

{#- The checksum of this model's code and of every model and seed it reads, directly or through others: their files,
    their meta.code_inputs and the project's macros they call (code_checksum's inputs, over the whole lineage). -#}
{% macro lineage_checksum() -%}
    {%- set lineage = [] -%}
    {%- set pending = [model.unique_id] -%}
    {#- One level of parents per pass (Jinja has no while loop); the project's lineage is far shallower. -#}
    {%- for _ in range(50) if pending -%}
        {%- set next_level = [] -%}
        {%- for node_id in pending if node_id not in lineage -%}
            {%- do lineage.append(node_id) -%}
            {%- set node = graph.nodes.get(node_id) -%}
            {%- if node -%}
                {%- do next_level.extend(node.depends_on.nodes) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do pending.clear() -%}
        {%- do pending.extend(next_level) -%}
    {%- endfor -%}
    {%- set inputs = [] -%}
    {%- set macros = [] -%}
    {%- for node_id in lineage | sort -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node -%}
            {%- set meta = node.config.get('meta') or {} -%}
            {%- do inputs.append(node_id ~ '=' ~ node.checksum.checksum ~ ' ' ~ (meta.get('code_inputs') or []) | join(',')) -%}
            {%- do macros.extend(node.depends_on.macros) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for macro_id in project_macros_called(macros) -%}
        {%- do inputs.append(macro_id ~ '=' ~ local_md5(context[macro_id.split('.')[-1]].macro.macro_sql)) -%}
    {%- endfor -%}
    {{ return(local_md5(inputs | join('|'))) }}
{%- endmacro %}

{#- The developer a Cursor email stands for: the linked one, else the email itself, marked unresolved. -#}
{% macro email_developer_id(linked, email) -%}
    coalesce({{ linked }}, 'unresolved:email:' || {{ email }})
{%- endmacro %}

{#- `<column> in (...)` for a list of developers: values, not a subquery, which DuckDB pushes down to the relations
    that carry the developer. -#}
{% macro developer_in(column, developers) -%}
    {%- if developers | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for developer in developers -%}
        {%- do quoted.append("'" ~ developer | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return(column ~ ' in (' ~ quoted | join(', ') ~ ')') }}
{%- endmacro %}

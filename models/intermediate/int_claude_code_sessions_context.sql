-- One row per Claude Code session of each transcript owner: who, where and with what client, from its
-- first record (records without a session id form one row per owner, so they too have a developer). Sessions are per owner (a copied folder is another person's copy), and every transcript
-- has an owner: a subagent file whose parent is absent, or a session of system records only, still
-- belongs to the ~/.claude it landed in.
{#- On DuckDB a run recomputes only the sessions with a line staged since the newest it kept (a late line may be
    the earliest) and the kept sessions whose owner now links to another developer. A change of this SQL or of
    a model it reads, or a retraction of transcript lines, recomputes every session (macros/incremental.sql). -#}
{{
    config(
        materialized=kept_materialization(),
        unique_key='session_context_key',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale('claude_code') }}",
        post_hook="{{ remember_code() }}",
        meta={'parents_in_checksum': true},
    )
}}
-- depends_on: {{ source('loader', 'load_manifest') }}

{%- set merging = merges_into_kept() %}

with

-- Read where they are used, not held whole: a run on new lines needs every line of only the sessions they touch,
-- and DuckDB kept all of them for the query (at 5M lines, 1.18-2.02 s against 0.46-0.80 s after a load of new
-- developers, 1.04-1.79 s against 0.07-0.16 s with nothing new).
messages as {{ not_materialized() }} (
    select * from {{ ref('stg_claude_code__messages') }}
),

system_events as {{ not_materialized() }} (
    select * from {{ ref('stg_claude_code__system_events') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

records as {{ not_materialized() }} (
    select
        session_id,
        transcript_owner,
        project,
        git_branch,
        client_version,
        sent_at,
        source_file,
        line_number,
        loaded_at,
        -- The main conversation describes the session best; a subagent's lines stand in when it is absent.
        case when is_sidechain or is_subagent then 1 else 0 end as record_rank
    from messages

    union all

    select
        session_id,
        transcript_owner,
        cast(null as {{ dbt.type_string() }}) as project,
        cast(null as {{ dbt.type_string() }}) as git_branch,
        cast(null as {{ dbt.type_string() }}) as client_version,
        occurred_at as sent_at,
        source_file,
        line_number,
        loaded_at,
        2 as record_rank
    from system_events
),

{% if merging %}
    touched as (
        -- Sessions with a line staged since the newest kept ...
        select distinct
            session_id,
            transcript_owner
        from records
        where loaded_at > {{ kept_through() }}

        union

        -- ... and kept sessions whose owner now links to another developer (the directory changed).
        select
            kept.session_id,
            kept.transcript_owner
        from {{ this }} as kept
        left join links
            on links.identifier_type = 'handle' and lower(kept.transcript_owner) = links.identifier_value
        where kept.developer_id is distinct from coalesce(links.developer_id, lower(kept.transcript_owner))
    ),

    session_records as (
        select records.*
        from records
        inner join touched
            on
                records.transcript_owner = touched.transcript_owner
                and records.session_id is not distinct from touched.session_id
    ),
{% else %}
    session_records as (
        select * from records
    ),
{% endif %}

firsts as (
    -- Each session's best record: the main conversation's earliest line, else a subagent's, else a system one.
    select
        session_id,
        transcript_owner,
        {{ first_by(
            ['project', 'git_branch', 'client_version'], ['record_rank', 'sent_at', 'source_file', 'line_number']
        ) }} as first_record,
        min(sent_at) as first_record_at,
        max(loaded_at) as loaded_at
    from session_records
    group by session_id, transcript_owner
),

unpacked as (
    -- A struct's fields by name (first_record['x']): DuckDB and Spark read it alike.
    select
        session_id,
        transcript_owner,
        first_record_at,
        loaded_at,
        first_record['project'] as project,
        first_record['git_branch'] as git_branch,
        first_record['client_version'] as client_version
    from firsts
),

final as (
    select
        {{ row_key(['unpacked.transcript_owner', 'unpacked.session_id']) }} as session_context_key,
        unpacked.session_id,
        unpacked.transcript_owner,
        unpacked.project,
        unpacked.git_branch,
        unpacked.client_version,
        unpacked.first_record_at,
        -- A folder the directory does not know is its own developer, named as the folder is.
        coalesce(links.developer_id, lower(unpacked.transcript_owner)) as developer_id,
        unpacked.loaded_at
    from unpacked
    left join links
        on links.identifier_type = 'handle' and lower(unpacked.transcript_owner) = links.identifier_value
)

select * from final

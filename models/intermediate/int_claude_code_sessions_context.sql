-- One row per Claude Code session of each transcript owner: who, where and with what client, from its
-- first record (records without a session id form one row per owner, so they too have a developer). Sessions are per owner (a copied folder is another person's copy), and every transcript
-- has an owner: a subagent file whose parent is absent, or a session of system records only, still
-- belongs to the ~/.claude it landed in.
with

messages as (
    select * from {{ ref('stg_claude_code__messages') }}
),

system_events as (
    select * from {{ ref('stg_claude_code__system_events') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

records as (
    select
        session_id,
        transcript_owner,
        project,
        git_branch,
        client_version,
        sent_at,
        source_file,
        line_number,
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
        2 as record_rank
    from system_events
),

firsts as (
    -- Each session's best record: the main conversation's earliest line, else a subagent's, else a system one.
    select
        session_id,
        transcript_owner,
        {{ first_by(
            ['project', 'git_branch', 'client_version'], ['record_rank', 'sent_at', 'source_file', 'line_number']
        ) }} as first_record,
        min(sent_at) as first_record_at
    from records
    group by session_id, transcript_owner
),

unpacked as (
    -- A struct's fields by name (first_record['x']): DuckDB and Spark read it alike.
    select
        session_id,
        transcript_owner,
        first_record_at,
        first_record['project'] as project,
        first_record['git_branch'] as git_branch,
        first_record['client_version'] as client_version
    from firsts
),

final as (
    select
        unpacked.session_id,
        unpacked.transcript_owner,
        unpacked.project,
        unpacked.git_branch,
        unpacked.client_version,
        unpacked.first_record_at,
        -- A folder the directory does not know is its own developer, named as the folder is.
        coalesce(links.developer_id, lower(unpacked.transcript_owner)) as developer_id
    from unpacked
    left join links
        on links.identifier_type = 'handle' and lower(unpacked.transcript_owner) = links.identifier_value
)

select * from final

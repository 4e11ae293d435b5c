-- One row per Claude Code session: who, where and with what client, from its first record.
with

messages as (
    select * from {{ ref('stg_claude_code__messages') }}
),

links as (
    select * from {{ ref('int_identifiers_linked') }}
),

ranked as (
    select
        session_id,
        transcript_owner,
        project,
        git_branch,
        client_version,
        sent_at,
        row_number() over (partition by session_id order by sent_at, source_file, line_number) as record_position
    from messages
    where not is_sidechain
),

final as (
    select
        ranked.session_id,
        ranked.transcript_owner,
        ranked.project,
        ranked.git_branch,
        ranked.client_version,
        ranked.sent_at as first_record_at,
        coalesce(links.developer_id, 'unresolved:handle:' || lower(ranked.transcript_owner)) as developer_id
    from ranked
    left join links
        on links.identifier_type = 'handle' and lower(ranked.transcript_owner) = links.identifier_value
    where ranked.record_position = 1
)

select * from final

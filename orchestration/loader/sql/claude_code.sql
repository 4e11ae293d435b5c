-- Claude Code transcript lines -> raw.claude_code_records or raw.quarantine.
-- Input: batch_lines(file_index, line_number, line VARCHAR or null when not UTF-8, line_bytes, unterminated)
-- and batch_files(file_index, source_file, owner, is_subagent, duplicate_of). Each line is parsed once;
-- payload (prompt text, assistant text, thinking, tool inputs and outputs) is reduced to kinds and sizes
-- here, so it never reaches a table.
create or replace temp table claude_checked as
with lines as (
    select
        l.file_index,
        l.line_number,
        l.unterminated,
        f.duplicate_of,
        l.line_bytes,
        without_bom(l.line) as t
    from batch_lines as l
    inner join batch_files as f on l.file_index = f.file_index
),

extracted as (
    select
        *,
        -- A byte-identical copy of an already loaded file is not parsed: its lines are all quarantined.
        case when duplicate_of is null then try(json_extract(t, [
            '$.type', '$.sessionId', '$.uuid', '$.parentUuid', '$.timestamp', '$.message.id', '$.requestId',
            '$.message.model', '$.message.content', '$.message.usage', '$.toolUseResult',
            '$.message.type', '$.message.role', '$.message.stop_reason', '$.version', '$.cwd', '$.gitBranch',
            '$.leafUuid', '$.logicalParentUuid', '$.messageId', '$.toolUseID', '$.parentToolUseID', '$.agentId',
            '$.sourceToolUseID', '$.subtype', '$.userType', '$.level', '$.operation', '$.permissionMode', '$.slug',
            '$.isSidechain', '$.isMeta'
        ])) end as f
    from lines
),

reasoned as (
    select
        *,
        (f[1] ->> '$') as record_type,
        -- json_extract writes each value minified, so its first character tells its type ('"' a string,
        -- '{' an object, '[' a list); json_type would parse the value again, content and all.
        case
            when duplicate_of is not null then 'duplicate_file'
            -- What is wrong with any JSON line (macros.sql), else with a transcript's.
            else coalesce(json_line_problem(t, f is not null, unterminated), case
                when f[1] is null then 'missing_field:type'
                when not starts_with(f[1]::varchar, '"') then 'wrong_type:type'
                when f[2] is not null and not starts_with(f[2]::varchar, '"') then 'wrong_type:sessionId'
                when f[3] is not null and not starts_with(f[3]::varchar, '"') then 'wrong_type:uuid'
                when f[5] is not null and not starts_with(f[5]::varchar, '"') then 'wrong_type:timestamp'
                when f[5] is not null and try_cast((f[5] ->> '$') as timestamptz) is null then 'invalid_value:timestamp'
                -- Before any AI coding assistant wrote transcripts, or after the load (plus clock skew).
                when f[5] is not null
                    and not try_cast((f[5] ->> '$') as timestamptz) between $earliest_at and $latest_at
                    then 'implausible_value:timestamp'
                when (f[1] ->> '$') in ('user', 'assistant') and f[2] is null then 'missing_field:sessionId'
                when (f[1] ->> '$') in ('user', 'assistant') and f[3] is null then 'missing_field:uuid'
                when (f[1] ->> '$') in ('user', 'assistant') and f[5] is null then 'missing_field:timestamp'
                when f[6] is not null and not starts_with(f[6]::varchar, '"') then 'wrong_type:message.id'
                when f[10] is not null and not starts_with(f[10]::varchar, '{') then 'wrong_type:message.usage'
                -- A token count is a whole number >= 0 of up to 18 digits (one the raw table's bigint holds); one
                -- written as a numeric string ("12") is read as one.
                when f[10] is not null and not list_bool_and(list_transform(
                    json_extract(f[10], [
                        '$.input_tokens', '$.output_tokens', '$.cache_creation_input_tokens',
                        '$.cache_read_input_tokens'
                    ]),
                    lambda x: x is null or regexp_full_match(x::varchar, '[0-9]{1,18}|"[0-9]{1,18}"')
                )) then 'invalid_value:message.usage'
                when f[9] is not null and left(f[9]::varchar, 1) not in ('"', '[') then 'wrong_type:message.content'
            end)
        end as reason
    from extracted
),

-- The fields of a kept line that are not extracted above (json_keys reads the line's keys).
unlisted as (
    select
        *,
        case when reason is null then list_filter(json_keys(t), lambda k: not list_contains([
            'type', 'sessionId', 'uuid', 'parentUuid', 'timestamp', 'message', 'requestId', 'toolUseResult',
            'version', 'cwd', 'gitBranch', 'leafUuid', 'logicalParentUuid', 'messageId', 'toolUseID',
            'parentToolUseID', 'agentId', 'sourceToolUseID', 'subtype', 'userType', 'level', 'operation',
            'permissionMode', 'slug'
        ], k)
            -- A boolean isSidechain or isMeta is whole in its typed column; another value is an unknown field's.
            and not (k = 'isSidechain' and f[31]::varchar in ('true', 'false'))
            and not (k = 'isMeta' and f[32]::varchar in ('true', 'false'))) end as other_keys
    from reasoned
)

-- Materialised as a table: the lines kept and the lines quarantined are read from one parse, not two. A
-- line's text is kept only where it is read again: a quarantined line's excerpt, or a field not extracted
-- above (rare).
select
    * exclude (t),
    case
        when reason is not null or len(list_filter(other_keys, lambda k: k not in ('isSidechain', 'isMeta'))) > 0
            then t
    end as t
from unlisted;

-- The kept lines' records go straight into the raw table: a stage table in between cost a copy of every
-- record, and its insert ran on one core.
insert into raw.claude_code_records by name
with
-- Privacy by construction: a record keeps only values known to be safe. Identifiers, enums, versions and
-- model names are kept when they have their known shape and replaced by an opaque hash otherwise;
-- numbers and booleans are kept under any key; every other string, object or list (message.content,
-- toolUseResult and any field not listed here, known or not) is reduced to its size in redacted_fields.
kept as (
    select
        *,
        list_transform(
            other_keys,
            -- Both were extracted above: the line is not parsed again for them.
            lambda k: {'key': safe_key(k), 'value': case k
                when 'isSidechain' then f[31]
                when 'isMeta' then f[32]
                else try(json_member(t, k))
            end}
        ) as other_fields
    from claude_checked
    where reason is null
),

-- Each kept field in its safe form, computed once.
safe as (
    select
        file_index,
        line_number,
        line_bytes,
        unterminated,
        reason,
        f,
        other_fields,
        safe_enum(record_type) as record_type,
        safe_id(f[2] ->> '$') as session_id,
        safe_id(f[3] ->> '$') as uuid,
        safe_id(f[4] ->> '$') as parent_uuid,
        (f[5] ->> '$') as record_timestamp,
        safe_id(f[6] ->> '$') as message_id,
        safe_id(f[7] ->> '$') as request_id,
        safe_model(f[8] ->> '$') as model,
        safe_version(f[15] ->> '$') as client_version,
        opaque(f[16] ->> '$') as cwd,
        opaque(nullif(f[17] ->> '$', '')) as git_branch,
        safe_enum(f[26] ->> '$') as user_type,
        safe_id(f[23] ->> '$') as agent_id
    from kept
),

staged as (
    select
        file_index,
        line_number,
        line_bytes,
        record_type,
        session_id,
        uuid,
        parent_uuid,
        record_timestamp,
        message_id,
        request_id,
        model,
        case
            when f[9] is null then null
            when json_type(f[9]) = 'VARCHAR' then [{
                'kind': 'text',
                'chars': length((f[9] ->> '$')),
                'tool_use_id': null::varchar,
                'tool_name': null::varchar,
                'input_bytes': null::bigint,
                'command_kind': null::varchar,
                'slash_command': slash_command_of(f[9] ->> '$'),
                'result_bytes': null::bigint,
                'is_error': null::boolean,
                'result_kind': null::varchar
            }]
            else list_transform(
                json_transform(f[9], '[{"type": "VARCHAR", "text": "VARCHAR", "thinking": "VARCHAR", "id": "VARCHAR",
                    "name": "VARCHAR", "input": "JSON", "tool_use_id": "VARCHAR", "content": "JSON",
                    "is_error": "BOOLEAN"}]'),
                lambda b: {
                    'kind': safe_enum(b.type),
                    'chars': coalesce(length(b.text), length(b.thinking)),
                    'tool_use_id': safe_id(coalesce(b.id, b.tool_use_id)),
                    -- A tool call without a name (a bug's, or a newer format's) is named by the empty name's
                    -- hash: the staging models require one (a null failed their tests, and every build after).
                    'tool_name': safe_tool_name(case when b.type = 'tool_use' then coalesce(b.name, '') else b.name end),
                    'input_bytes': strlen(b.input::varchar),
                    'command_kind': case when b.name = 'Bash' then command_kind(b.input ->> 'command') end,
                    'slash_command': slash_command_of(b.text),
                    'result_bytes': strlen(b.content::varchar),
                    'is_error': b.is_error,
                    'result_kind': case
                        when b.type <> 'tool_result' then null
                        when coalesce(b.is_error, false) and contains(b.content::varchar, 'doesn''t want to proceed')
                            then 'rejected'
                        when contains(left(b.content::varchar, 200), '[Request interrupted by user') then 'interrupted'
                        when coalesce(b.is_error, false) then 'error'
                        else 'ok'
                    end
                }
            )
        end as content_blocks,
        case when f[11] is not null then {
            'json_type': json_type(f[11]),
            'bytes': strlen(f[11]::varchar),
            -- Keys are data too (a result keyed by file names): one that is not a plain name is its hash.
            'keys': case when json_type(f[11]) = 'OBJECT' then list_transform(json_keys(f[11]), lambda k: safe_key(k)) end,
            'lines_added': case
                when (f[11] ->> '$.type') = 'create'
                    then length(f[11] ->> '$.content') - length(replace(f[11] ->> '$.content', chr(10), '')) + 1
                else len(list_filter(json_extract_string(f[11], '$.structuredPatch[*].lines[*]'),
                    lambda x: starts_with(x, '+')))
            end,
            'lines_removed': len(list_filter(json_extract_string(f[11], '$.structuredPatch[*].lines[*]'),
                lambda x: starts_with(x, '-')))
        } end as tool_use_result,
        map_first(list_filter(
            [
                {'key': 'toolUseResult', 'value': strlen(f[11]::varchar)},
                {'key': 'message.content', 'value': strlen(f[9]::varchar)}
            ]
            || list_transform(
                list_filter(other_fields, lambda kv: not is_json_scalar(kv.value)),
                -- -1: a member that could not be read (json_member reaches any key, so none is expected).
                lambda kv: {'key': kv.key, 'value': coalesce(strlen(kv.value::varchar), -1)}
            ),
            lambda kv: kv.value is not null
        )) as redacted_fields,
        client_version,
        cwd,
        git_branch,
        user_type,
        agent_id,
        try_cast(f[31] ->> '$' as boolean) as is_sidechain,
        try_cast(f[32] ->> '$' as boolean) as is_meta,
        -- Validated above: absent, a whole number, or a numeric string.
        cast(f[10] ->> '$.input_tokens' as bigint) as input_tokens,
        cast(f[10] ->> '$.output_tokens' as bigint) as output_tokens,
        cast(f[10] ->> '$.cache_creation_input_tokens' as bigint) as cache_creation_tokens,
        cast(f[10] ->> '$.cache_read_input_tokens' as bigint) as cache_read_tokens,
        json_transform(f[10], '{"cache_creation": {"ephemeral_5m_input_tokens": "UBIGINT",
            "ephemeral_1h_input_tokens": "UBIGINT"}, "server_tool_use": {"web_search_requests": "UBIGINT",
            "web_fetch_requests": "UBIGINT"}}') as usage_details,
        safe_id(f[18] ->> '$') as leaf_uuid,
        safe_id(f[19] ->> '$') as logical_parent_uuid,
        safe_id(f[20] ->> '$') as referenced_message_id,
        safe_id(f[21] ->> '$') as tool_use_id,
        safe_id(f[22] ->> '$') as parent_tool_use_id,
        safe_id(f[24] ->> '$') as source_tool_use_id,
        safe_enum(f[25] ->> '$') as subtype,
        safe_enum(f[27] ->> '$') as level,
        safe_enum(f[28] ->> '$') as operation,
        safe_enum(f[29] ->> '$') as permission_mode,
        safe_enum(f[30] ->> '$') as slug,
        safe_enum(f[12] ->> '$') as message_type,
        safe_enum(f[13] ->> '$') as message_role,
        safe_enum(f[14] ->> '$') as stop_reason,
        -- Unknown fields holding a number or a boolean, as JSON (a null holds nothing).
        map_first(list_filter(
            other_fields, lambda kv: is_json_scalar(kv.value) and kv.value::varchar <> 'null'
        )) as other_scalars
    from safe
)

select
    f.source_file as _source_file,
    s.line_number as _line_number,
    $batch_id as _batch_id,
    $loaded_at as _loaded_at,
    f.owner as _transcript_owner,
    f.is_subagent as _is_subagent_file,
    s.line_bytes as _line_bytes,
    s.* exclude (file_index, line_number, line_bytes, usage_details),
    -- Counts that are not whole numbers >= 0 were read as null above; one beyond the bigint column is too.
    try_cast(s.usage_details.cache_creation.ephemeral_5m_input_tokens as bigint) as cache_creation_5m_tokens,
    try_cast(s.usage_details.cache_creation.ephemeral_1h_input_tokens as bigint) as cache_creation_1h_tokens,
    try_cast(s.usage_details.server_tool_use.web_search_requests as bigint) as web_search_requests,
    try_cast(s.usage_details.server_tool_use.web_fetch_requests as bigint) as web_fetch_requests
from staged as s
inner join batch_files as f on s.file_index = f.file_index;

insert into raw.quarantine
select
    f.source_file,
    c.line_number,
    null,
    $batch_id,
    $loaded_at,
    'claude_code',
    c.reason,
    c.line_bytes,
    case
        when c.duplicate_of is not null then 'same bytes as ' || c.duplicate_of
        else excerpt_of(c.t, c.f is not null and c.reason not in ('not_a_json_object'))
    end
from claude_checked as c
inner join batch_files as f on c.file_index = f.file_index
where c.reason is not null;

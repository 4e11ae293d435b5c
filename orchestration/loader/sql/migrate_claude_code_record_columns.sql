-- A warehouse loaded while raw.claude_code_records kept its safe fields as a JSON `record`: the same values
-- as typed columns, once, and the record dropped.
alter table raw.claude_code_records add column if not exists leaf_uuid varchar;
alter table raw.claude_code_records add column if not exists logical_parent_uuid varchar;
alter table raw.claude_code_records add column if not exists referenced_message_id varchar;
alter table raw.claude_code_records add column if not exists tool_use_id varchar;
alter table raw.claude_code_records add column if not exists parent_tool_use_id varchar;
alter table raw.claude_code_records add column if not exists source_tool_use_id varchar;
alter table raw.claude_code_records add column if not exists subtype varchar;
alter table raw.claude_code_records add column if not exists level varchar;
alter table raw.claude_code_records add column if not exists operation varchar;
alter table raw.claude_code_records add column if not exists permission_mode varchar;
alter table raw.claude_code_records add column if not exists slug varchar;
alter table raw.claude_code_records add column if not exists message_type varchar;
alter table raw.claude_code_records add column if not exists message_role varchar;
alter table raw.claude_code_records add column if not exists stop_reason varchar;
alter table raw.claude_code_records add column if not exists cache_creation_5m_tokens bigint;
alter table raw.claude_code_records add column if not exists cache_creation_1h_tokens bigint;
alter table raw.claude_code_records add column if not exists web_search_requests bigint;
alter table raw.claude_code_records add column if not exists web_fetch_requests bigint;
alter table raw.claude_code_records add column if not exists other_scalars map(varchar, json);

update raw.claude_code_records set
    leaf_uuid = record ->> '$.leafUuid',
    logical_parent_uuid = record ->> '$.logicalParentUuid',
    referenced_message_id = record ->> '$.messageId',
    tool_use_id = record ->> '$.toolUseID',
    parent_tool_use_id = record ->> '$.parentToolUseID',
    source_tool_use_id = record ->> '$.sourceToolUseID',
    subtype = record ->> '$.subtype',
    level = record ->> '$.level',
    operation = record ->> '$.operation',
    permission_mode = record ->> '$.permissionMode',
    slug = record ->> '$.slug',
    message_type = record ->> '$.message.type',
    message_role = record ->> '$.message.role',
    stop_reason = record ->> '$.message.stop_reason',
    cache_creation_5m_tokens = cast(record ->> '$.message.usage.cache_creation.ephemeral_5m_input_tokens' as bigint),
    cache_creation_1h_tokens = cast(record ->> '$.message.usage.cache_creation.ephemeral_1h_input_tokens' as bigint),
    web_search_requests = cast(record ->> '$.message.usage.server_tool_use.web_search_requests' as bigint),
    web_fetch_requests = cast(record ->> '$.message.usage.server_tool_use.web_fetch_requests' as bigint),
    -- The record's keys beyond the listed ones are the unknown scalars (a boolean isSidechain or isMeta is in
    -- its typed column already).
    other_scalars = map_from_entries(list_transform(
        list_filter(json_keys(record), lambda k: not list_contains([
            'type', 'sessionId', 'uuid', 'parentUuid', 'timestamp', 'message', 'requestId', 'version', 'cwd',
            'gitBranch', 'leafUuid', 'logicalParentUuid', 'messageId', 'toolUseID', 'parentToolUseID', 'agentId',
            'sourceToolUseID', 'subtype', 'userType', 'level', 'operation', 'permissionMode', 'slug'
        ], k)
            and not (k = 'isSidechain' and json_type(record, '$.isSidechain') = 'BOOLEAN')
            and not (k = 'isMeta' and json_type(record, '$.isMeta') = 'BOOLEAN')),
        lambda k: {'key': k, 'value': json_member(record, k)}
    ));

alter table raw.claude_code_records drop column record;

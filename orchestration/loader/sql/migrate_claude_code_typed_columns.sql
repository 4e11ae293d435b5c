-- A warehouse loaded before raw.claude_code_records had its typed columns: add them, and fill them from the
-- record (which holds the same safe values), once.
alter table raw.claude_code_records add column if not exists client_version varchar;
alter table raw.claude_code_records add column if not exists cwd varchar;
alter table raw.claude_code_records add column if not exists git_branch varchar;
alter table raw.claude_code_records add column if not exists user_type varchar;
alter table raw.claude_code_records add column if not exists agent_id varchar;
alter table raw.claude_code_records add column if not exists is_sidechain boolean;
alter table raw.claude_code_records add column if not exists is_meta boolean;
alter table raw.claude_code_records add column if not exists input_tokens bigint;
alter table raw.claude_code_records add column if not exists output_tokens bigint;
alter table raw.claude_code_records add column if not exists cache_creation_tokens bigint;
alter table raw.claude_code_records add column if not exists cache_read_tokens bigint;

update raw.claude_code_records set
    client_version = record ->> '$.version',
    cwd = record ->> '$.cwd',
    git_branch = nullif(record ->> '$.gitBranch', ''),
    user_type = record ->> '$.userType',
    agent_id = record ->> '$.agentId',
    is_sidechain = try_cast(record ->> '$.isSidechain' as boolean),
    is_meta = try_cast(record ->> '$.isMeta' as boolean),
    input_tokens = cast(record ->> '$.message.usage.input_tokens' as bigint),
    output_tokens = cast(record ->> '$.message.usage.output_tokens' as bigint),
    cache_creation_tokens = cast(record ->> '$.message.usage.cache_creation_input_tokens' as bigint),
    cache_read_tokens = cast(record ->> '$.message.usage.cache_read_input_tokens' as bigint);

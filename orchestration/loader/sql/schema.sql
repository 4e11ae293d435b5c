-- Raw layer: files landed as they are, minus what privacy forbids (payload text reduced to kinds and
-- sizes before it reaches this database). Every table carries the file, line and batch it came from.
create schema if not exists raw;

create sequence if not exists raw.load_manifest_seq;

create table if not exists raw.load_batches (
    batch_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,            -- running | complete | failed
    landing_dir varchar not null,
    files_seen integer,
    files_loaded integer,
    lines_loaded bigint,
    rows_quarantined bigint,
    error varchar
);

-- Bytes on disk per warehouse table, replaced at the end of every load (see loader/storage.py).
create table if not exists raw.table_storage (
    table_schema varchar not null,
    table_name varchar not null,
    bytes_on_disk bigint not null,
    batch_id varchar not null,
    measured_at timestamptz not null
);

-- One row per file segment loaded; a file's current state is its row with the largest manifest_id.
create table if not exists raw.load_manifest (
    manifest_id bigint primary key default nextval('raw.load_manifest_seq'),
    batch_id varchar not null,
    source varchar not null,
    path varchar not null,
    action varchar not null,            -- new | appended | replaced | duplicate | touched
    size_bytes bigint not null,
    mtime_ns bigint not null,
    loaded_bytes bigint not null,       -- length of the prefix loaded so far
    prefix_hash varchar not null,       -- xxh3-128 of that prefix
    first_line bigint,
    last_line bigint,
    lines_total bigint not null,        -- lines (or records) of the file accounted for so far
    last_line_offset bigint not null,   -- byte offset where the last accounted line starts
    last_line_complete boolean not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_retracted bigint not null,
    duplicate_of varchar,
    loaded_at timestamptz not null
);

create table if not exists raw.quarantine (
    _source_file varchar not null,
    _line_number bigint,                -- null for document files (whole-file failures)
    _record_index bigint,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    source varchar not null,
    reason varchar not null,
    line_bytes bigint,
    excerpt varchar                     -- shape only: letters masked to a, digits to 9, or the JSON structure
);

create table if not exists raw.claude_code_records (
    _source_file varchar not null,
    _line_number bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    _transcript_owner varchar,          -- the ~/.claude the file came from (landing/claude_code/<owner>/...)
    _is_subagent_file boolean not null,
    _line_bytes bigint not null,
    record_type varchar not null,
    session_id varchar,
    uuid varchar,
    parent_uuid varchar,
    record_timestamp varchar,
    message_id varchar,
    request_id varchar,
    model varchar,
    content_blocks struct(
        kind varchar, chars bigint, tool_use_id varchar, tool_name varchar, input_bytes bigint,
        command_kind varchar, slash_command varchar, result_bytes bigint, is_error boolean, result_kind varchar
    )[],
    tool_use_result struct(
        json_type varchar, bytes bigint, keys varchar[], lines_added bigint, lines_removed bigint
    ),
    redacted_fields map(varchar, bigint),  -- top-level payload fields removed, with their sizes in bytes
    -- Every other field of the record, typed: no model parses JSON, and the load writes no JSON text (building
    -- and compressing a JSON record was a quarter of the transcripts load).
    client_version varchar,
    cwd varchar,                        -- an opaque id of the working directory
    git_branch varchar,                 -- an opaque id of the branch
    user_type varchar,
    agent_id varchar,
    is_sidechain boolean,
    is_meta boolean,
    input_tokens bigint,
    output_tokens bigint,
    cache_creation_tokens bigint,
    cache_read_tokens bigint,
    leaf_uuid varchar,
    logical_parent_uuid varchar,
    referenced_message_id varchar,      -- the top-level messageId (a file-history snapshot names its message)
    tool_use_id varchar,                -- toolUseID, parentToolUseID, sourceToolUseID (progress and hook records)
    parent_tool_use_id varchar,
    source_tool_use_id varchar,
    subtype varchar,
    level varchar,
    operation varchar,
    permission_mode varchar,
    slug varchar,
    message_type varchar,
    message_role varchar,
    stop_reason varchar,
    cache_creation_5m_tokens bigint,    -- message.usage.cache_creation and server_tool_use
    cache_creation_1h_tokens bigint,
    web_search_requests bigint,
    web_fetch_requests bigint,
    other_scalars map(varchar, json)    -- fields no one listed whose value is a number or a boolean, by (safe) key
);

-- Schema changes applied to a warehouse made before them, by name, once (loader/__init__.py: MIGRATIONS).
create table if not exists raw.schema_migrations (
    name varchar primary key,
    applied_at timestamptz not null
);

create table if not exists raw.otel_log_records (
    _source_file varchar not null,
    _line_number bigint not null,
    _record_index bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    resource_attributes map(varchar, varchar),
    scope_name varchar,
    scope_version varchar,
    time_unix_nano varchar,
    observed_time_unix_nano varchar,
    severity_text varchar,
    body varchar,
    attributes map(varchar, varchar),
    -- The OTLP type of each kept attribute that was not a string (intValue | doubleValue | boolValue | empty
    -- ...); an attribute of `attributes` without an entry here was a stringValue.
    attribute_types map(varchar, varchar),
    redacted_attributes map(varchar, bigint)
);

create table if not exists raw.otel_metric_points (
    _source_file varchar not null,
    _line_number bigint not null,
    _record_index bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    resource_attributes map(varchar, varchar),
    scope_name varchar,
    scope_version varchar,
    metric_name varchar,
    metric_unit varchar,
    metric_type varchar,
    aggregation_temporality integer,
    is_monotonic boolean,
    start_time_unix_nano varchar,
    time_unix_nano varchar,
    as_int varchar,
    as_double double,
    attributes map(varchar, varchar),
    attribute_types map(varchar, varchar)  -- as for log records: only the attributes that were not strings
);

create table if not exists raw.cursor_daily_usage (
    _source_file varchar not null,
    _record_index bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    period_start_ms bigint,
    period_end_ms bigint,
    record json not null
);

create table if not exists raw.cursor_usage_events (
    _source_file varchar not null,
    _line_number bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    record json not null                -- header -> value, every column of the export
);

create table if not exists raw.org_directory (
    _source_file varchar not null,
    _line_number bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    record json not null
);

-- Experiment assignments as the experimentation tool exports them (one JSON record per CSV row).
create table if not exists raw.experiment_assignments (
    _source_file varchar not null,
    _line_number bigint not null,
    _batch_id varchar not null,
    _loaded_at timestamptz not null,
    record json not null
);

-- Written by the publish step (and by the quality gate when it holds a version back).
create table if not exists raw.publish_log (
    version varchar not null,
    audience varchar not null,
    published_at timestamptz not null,
    git_commit varchar not null,
    validation_outcome varchar not null,   -- passed | failed
    failed_checks varchar,
    row_counts json,
    published boolean not null
);

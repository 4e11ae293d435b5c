-- Helpers for the raw load; temp macros, so nothing here persists in the warehouse.

-- A line without its byte-order marks. Nearly every line has none and is passed on as it is: ltrim copies
-- every line it is given (0.1 s per GB of OTel exports, for each statement that reads them).
create or replace temp macro without_bom(t) as
    case when starts_with(t, chr(65279)) then ltrim(t, chr(65279)) else t end;

-- A quarantine excerpt that keeps a line's shape but none of its words or numbers.
create or replace temp macro shape_of(t) as
    regexp_replace(regexp_replace(t, '\pL', 'a', 'g'), '\pN', '9', 'g');

create or replace temp macro excerpt_of(t, is_json) as
    case
        when t is null then null
        when is_json then left(json_structure(t)::varchar, 400)
        when length(t) <= 160 then shape_of(t)
        else shape_of(left(t, 120)) || ' … ' || shape_of(right(t, 40))
    end;

-- What is wrong with a line that should hold one JSON object, or null: `is_json` says whether it parsed
-- (tested first: a blank line does not, and a good line is spared a trimmed copy). Leading whitespace is JSON's.
create or replace temp macro json_line_problem(t, is_json, unterminated) as
    case
        when t is null then 'invalid_utf8'
        when not is_json and trim(t, e' \t\r') = '' then 'blank_line'
        when not is_json and unterminated then 'truncated_last_line'
        when not is_json then 'invalid_json'
        when not (starts_with(t, '{') or starts_with(ltrim(t, e' \t\r'), '{')) then 'not_a_json_object'
    end;

-- What a shell command does, as a kind; the command itself is never stored.
create or replace temp macro command_kind(cmd) as
    case
        when cmd is null then null
        when regexp_matches(cmd, '\bgh\s+pr\s+create\b') then 'pr_create'
        when regexp_matches(cmd, '\bgit\s+commit\b') then 'git_commit'
        when regexp_matches(cmd, '\bgit\s+push\b') then 'git_push'
        when regexp_matches(cmd, '\b(pytest|jest|vitest|go\s+test|cargo\s+test|(npm|yarn|pnpm)\s+(run\s+)?test|make\s+test|mvn\s+test|gradle\s+test)\b') then 'test_run'
        when regexp_matches(cmd, '\b(npm|yarn|pnpm|pip|uv|cargo|go|poetry)\s+(install|add|get|sync)\b') then 'dependency_install'
        when regexp_matches(cmd, '\b(make|tsc|(npm|yarn|pnpm)\s+(run\s+)?build|cargo\s+build|go\s+build)\b') then 'build'
        when regexp_matches(cmd, '^\s*git\b') then 'git_other'
        else 'other'
    end;

-- OTLP attribute lists ([{key, value: {stringValue|intValue|doubleValue|boolValue|...}}]) as maps.
create or replace temp macro otlp_value(v) as
    coalesce(v->>'stringValue', v->>'intValue', v->>'doubleValue', v->>'boolValue', v::varchar);

-- A value written bare, not as an AnyValue object (a malformed exporter), is typed by its JSON: a string or a
-- list is text ('bare_text'), anything else a scalar ('bare_scalar'). Values are minified JSON, so the first
-- character tells.
create or replace temp macro otlp_value_type(v) as
    case
        -- The usual AnyValue kinds, told by the opening of the minified object: no parse, 4x cheaper.
        when starts_with(v::varchar, '{"stringValue":') then 'stringValue'
        when starts_with(v::varchar, '{"intValue":') then 'intValue'
        when starts_with(v::varchar, '{"doubleValue":') then 'doubleValue'
        when starts_with(v::varchar, '{"boolValue":') then 'boolValue'
        when v is null or left(v::varchar, 1) = '{' then coalesce(json_keys(v)[1], 'empty')
        when left(v::varchar, 1) in ('"', '[') then 'bare_text'
        else 'bare_scalar'
    end;

-- Values known to be safe keep their text only when they have their known shape; anything else that sits
-- where an identifier or enum belongs (a pasted prompt, say) becomes an opaque, stable hash of itself.
create or replace temp macro opaque(v) as
    case when v is not null then 'h:' || left(md5(v), 20) end;

create or replace temp macro safe_id(v) as
    case
        when v is null then null
        when regexp_full_match(
            v, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z]{2,8}_[A-Za-z0-9]{6,64}|[0-9a-f]{6,64}'
        ) then v
        else opaque(v)
    end;

create or replace temp macro safe_enum(v) as
    case when v is null or regexp_full_match(v, '[a-z][a-z0-9_-]{0,47}') then v else opaque(v) end;

-- OpenTelemetry names (metrics, instrumentation scopes) are dotted lowercase words: claude_code.token.usage.
create or replace temp macro safe_dotted_name(v) as
    case
        when v is null or regexp_full_match(v, '[a-z][a-z0-9_-]{0,47}(\.[a-z0-9_-]{1,47}){0,7}') then v
        else opaque(v)
    end;

create or replace temp macro safe_version(v) as
    case when v is null or regexp_full_match(v, '[0-9]{1,4}(\.[0-9]{1,6}){1,3}([-+][a-z0-9.]{1,24})?') then v else opaque(v) end;

create or replace temp macro safe_model(v) as
    case when v is null or regexp_full_match(v, '<synthetic>|[a-z0-9][a-z0-9._:@/-]{0,79}') then v else opaque(v) end;

-- Built-in tools are CamelCase words (Bash, MultiEdit); MCP tools are mcp__<server>__<tool>.
create or replace temp macro safe_tool_name(v) as
    case when v is null or regexp_full_match(v, '[A-Z][A-Za-z]{0,47}|mcp__[A-Za-z0-9_-]{1,96}') then v else opaque(v) end;

create or replace temp macro slash_command_of(text) as
    nullif(regexp_extract(text, '<command-name>(/?[a-z0-9:_.-]{1,64})</command-name>', 1), '');

-- A JSON object's member by its key, whatever the key holds: a JSON Pointer reaches any key, where a quoted
-- JSONPath ('$."<key>"') cannot name one holding a double quote, nor the empty key.
create or replace temp macro json_member(j, k) as
    json_extract(j, '/' || replace(replace(k, '~', '~0'), '/', '~1'));

-- A record's own field names are fixed by Claude Code; one that is not a plain name is stored as its hash.
create or replace temp macro safe_key(k) as
    case when regexp_full_match(k, '[A-Za-z_][A-Za-z0-9_]{0,63}') then k else opaque(k) end;

-- map_from_entries refuses a repeated key: the first entry of each key wins (a JSON object or an OTLP
-- attribute list may repeat one). The common case, no repeat, skips the quadratic pass; `keys_distinct` says
-- whether it is that case, for callers that build several maps from one list and check its keys once.
create or replace temp macro map_first_of(entries, keys_distinct) as
    map_from_entries(
        case
            when keys_distinct then entries
            else list_filter(
                entries, lambda e, i: list_position(list_transform(entries, lambda x: x.key), e.key) = i
            )
        end
    );

create or replace temp macro map_first(entries) as
    map_first_of(entries, len(list_distinct(list_transform(entries, lambda e: e.key))) = len(entries));

-- A JSON number, boolean or null (json_extract writes values minified, so the first character tells).
create or replace temp macro is_json_scalar(v) as
    v is not null and left(v::varchar, 1) not in ('"', '{', '[');

-- Privacy by construction: numbers and booleans are kept under any key; a string is kept only under a key
-- known to carry an identifier, enum, version, model, tool, number or time, and only in that shape (anything
-- else in its place becomes an opaque hash); every other string, list or map is kept as its size only.
create or replace temp macro otlp_is_text(value_type) as
    value_type in ('stringValue', 'arrayValue', 'kvlistValue', 'bytesValue', 'bare_text');

-- An intValue or doubleValue arrives as a number or, proto3 JSON's way, as a numeric string. Under a key the
-- staging models cast, a number they could not use is kept as its hash, so as no value: a token count that
-- is not a whole number >= 0, a cost or duration that is negative, infinite or beyond 1e12 (each failed their
-- tests or the money cast, and so every dbt build after it).
create or replace temp macro otlp_number(key, v) as
    case
        when not regexp_full_match(v, '[0-9.eE+-]{1,32}|true|false') then opaque(v)
        when key in ('input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_creation_tokens')
            and not coalesce(try_cast(v as bigint) >= 0, false) then opaque(v)
        when key in ('cost_usd', 'duration_ms')
            and not coalesce(try_cast(v as double) between 0 and 1e12, false) then opaque(v)
        else v
    end;

create or replace temp macro otlp_kept_key(key) as
    list_contains([
        'service.name', 'service.version', 'os.type', 'os.version', 'host.arch', 'event.name', 'event.timestamp',
        'event.sequence', 'session.id', 'user.id', 'user.email', 'user.account_uuid', 'organization.id',
        'terminal.type', 'app.version', 'model', 'tool_name', 'tool', 'success', 'decision', 'source',
        'decision_source', 'duration_ms', 'cost_usd', 'input_tokens', 'output_tokens', 'cache_read_tokens',
        'cache_creation_tokens', 'prompt_length', 'status_code', 'attempt', 'request_id', 'type', 'language',
        'speed', 'tool_use_id'
    ], key);

create or replace temp macro otlp_safe_value(key, v) as
    case
        when v is null then null
        when key in ('session.id', 'user.id', 'user.account_uuid', 'organization.id', 'request_id', 'tool_use_id')
            then safe_id(v)
        when key in ('service.version', 'app.version', 'os.version') then safe_version(v)
        when key = 'model' then safe_model(v)
        when key in ('tool_name', 'tool') then safe_tool_name(v)
        when key = 'user.email' then
            case when regexp_full_match(v, '[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}') then v else opaque(v) end
        when key = 'event.timestamp' then case when try_cast(v as timestamptz) is not null then v else opaque(v) end
        when key = 'language' then
            case when regexp_full_match(v, '[A-Z]?[a-z]{0,24}([A-Z][a-z]+|[+#]{1,2})*') then v else opaque(v) end
        when key in (
            'event.sequence', 'duration_ms', 'cost_usd', 'input_tokens', 'output_tokens', 'cache_read_tokens',
            'cache_creation_tokens', 'prompt_length', 'status_code', 'attempt'
        ) then case when regexp_full_match(v, '[0-9.eE+-]{1,32}') then otlp_number(key, v) else opaque(v) end
        else safe_enum(v)
    end;

-- A time in nanoseconds since the epoch (a numeric string in proto3 JSON), kept when the staging models can
-- cast it to a 64-bit integer (one that did not cast would fail the whole dbt build); anything else is no time.
create or replace temp macro otlp_nanos(v) as
    case when regexp_full_match(v, '[0-9]{1,19}') and try_cast(v as bigint) is not null then v end;

-- The time of a kept nanosecond count (otlp_nanos), as the staging models read it (epoch_ns_to_utc).
create or replace temp macro otlp_nanos_time(v) as
    make_timestamp(cast(v as bigint) // 1000);

-- Attribute keys are data too: one that is not a plain dotted name is stored as its hash.
create or replace temp macro otlp_key(k) as
    case when regexp_full_match(k, '[a-z][a-z0-9_.]{0,63}') then k else opaque(k) end;

-- Attribute lists arrive as lists of {key, value JSON} structs, parsed with their export (otel.sql).
-- Each attribute is read from its value once, judged once and, when kept, made safe once: the maps below
-- only gather the facts. (A macro's argument is pasted wherever it is used, so each step reads the fields
-- of the one before.)
create or replace temp macro otlp_facts(pairs) as
    list_transform(
        list_transform(
            list_transform(
                coalesce(pairs, []),
                lambda a: {
                    -- OTLP requires a key, but an exporter may omit it (or write null, or no key-value object at
                    -- all): read as the empty key, hashed as any key that is not a plain name. A map cannot hold
                    -- a null key: one failed the whole load.
                    'key': coalesce(a.key, ''),
                    'listed': coalesce(otlp_kept_key(a.key), false),
                    'value_type': otlp_value_type(a.value),
                    'text': otlp_value(a.value)
                }
            ),
            lambda a: {
                'key': a.key,
                -- A listed key is a plain name already: it needs no pattern match.
                'name': case when a.listed then a.key else otlp_key(a.key) end,
                'value_type': a.value_type,
                'text': a.text,
                'kept': not otlp_is_text(a.value_type) or a.listed
            }
        ),
        lambda a: {
            'name': a.name,
            'value_type': a.value_type,
            'kept': a.kept,
            'size': case when not a.kept then strlen(a.text) end,
            'value': case
                when not a.kept then null
                when otlp_is_text(a.value_type) then otlp_safe_value(a.key, a.text)
                when a.value_type = 'empty' then a.text
                else otlp_number(a.key, a.text)
            end
        }
    );

-- Whether an attribute list names no attribute twice (its maps then need no repeated-key pass).
create or replace temp macro otlp_names_distinct(facts) as
    len(list_distinct(list_transform(facts, lambda a: a.name))) = len(facts);

-- The three maps of an attribute list, from its facts (otlp_facts) and otlp_names_distinct of them.
-- The types map names only the kept attributes that were not strings: most are, and each entry of a map costs
-- (the types of every kept attribute made a 1M-line OTel load 21% slower, though no model reads them).
create or replace temp macro otlp_attrs(facts, names_distinct) as
    map_first_of(
        list_transform(list_filter(facts, lambda a: a.kept), lambda a: {'key': a.name, 'value': a.value}),
        names_distinct
    );

create or replace temp macro otlp_attr_types(facts, names_distinct) as
    map_first_of(
        list_transform(
            list_filter(facts, lambda a: a.kept and a.value_type <> 'stringValue'),
            lambda a: {'key': a.name, 'value': a.value_type}
        ),
        names_distinct
    );

create or replace temp macro otlp_redacted(facts, names_distinct) as
    map_first_of(
        list_transform(list_filter(facts, lambda a: not a.kept), lambda a: {'key': a.name, 'value': a.size}),
        names_distinct
    );

-- Where each part's items start among all the parts' items (0-based), from each part's count: an export's
-- record indexes run on across its resources and scopes (null counts as none).
create or replace temp macro offsets_of(counts) as
    list_transform(counts, lambda c, i: coalesce(list_sum(counts[:i - 1]), 0));

-- A CSV time as the staging models read it (iso_to_utc): with its zone, or without one (UTC).
create or replace temp macro csv_time(v) as
    coalesce(try_cast(v as timestamptz), try_cast(v as timestamp));

-- Why a typed field's value (null when the header lacks the field) is not of its kind (csv_rows.py, FIELD_KINDS),
-- or null: 'missing_field:<field>' when a field that must have a value has none, 'invalid_value:<field>', or
-- 'implausible_value:<field>' for a time outside the window. One macro per kind: csv_rows.py's
-- `typed_problem_macro` calls them field by field for a source's fields (a generic check over lists of names,
-- values and kinds, with a lambda, cost 2.2x as much: 0.79 s against 0.37 s on 1.1M Cursor rows).
create or replace temp macro csv_count_problem(name, v) as
    case when not regexp_full_match(v, '[0-9]{0,18}') then 'invalid_value:' || name end;

create or replace temp macro csv_amount_problem(name, v) as
    case when not regexp_full_match(v, '|[0-9]{1,8}(\.[0-9]{0,6})?') then 'invalid_value:' || name end;

-- A price is anything (text such as "Included" is 0), but a number must be from 0 to 1e12 after a leading $.
create or replace temp macro csv_price_problem(name, v) as
    case when not coalesce(try_cast(replace(v, '$', '') as double), 0) between 0 and 1e12 then 'invalid_value:' || name end;

create or replace temp macro csv_text_problem(name, v) as
    case when v is null then 'missing_field:' || name when trim(v) = '' then 'invalid_value:' || name end;

create or replace temp macro csv_timestamp_problem(name, v) as
    case when v is null then 'missing_field:' || name when csv_time(v) is null then 'invalid_value:' || name end;

create or replace temp macro csv_event_time_problem(name, v, earliest_at, latest_at) as
    coalesce(
        csv_timestamp_problem(name, v),
        case when not csv_time(v) between earliest_at and latest_at then 'implausible_value:' || name end
    );

-- One CSV field: quoted (a doubled quote inside is one quote), unquoted (it may hold a quote, but not start
-- with one), or empty. A line is fields separated by commas.
create or replace temp macro csv_field_pattern() as
    '"(?:[^"]|"")*"|[^",][^,]*|';

create or replace temp macro csv_line_pattern() as
    '(?:' || csv_field_pattern() || ')(?:,(?:' || csv_field_pattern() || '))*';

-- Helpers for the raw load; temp macros, so nothing here persists in the warehouse.

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

create or replace temp macro otlp_value_type(v) as
    coalesce(json_keys(v)[1], 'empty');

-- Attribute lists arrive as lists of {key, value JSON} structs, parsed with their export (otel.sql).
create or replace temp macro otlp_attrs(pairs, hidden) as
    map_from_entries(list_transform(
        list_filter(pairs, lambda a: not list_contains(hidden, a.key)),
        lambda a: {'key': a.key, 'value': otlp_value(a.value)}
    ));

create or replace temp macro otlp_attr_types(pairs, hidden) as
    map_from_entries(list_transform(
        list_filter(pairs, lambda a: not list_contains(hidden, a.key)),
        lambda a: {'key': a.key, 'value': otlp_value_type(a.value)}
    ));

create or replace temp macro otlp_redacted(pairs, hidden) as
    map_from_entries(list_transform(
        list_filter(pairs, lambda a: list_contains(hidden, a.key)),
        lambda a: {'key': a.key, 'value': strlen(otlp_value(a.value))}
    ));

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

create or replace temp macro safe_version(v) as
    case when v is null or regexp_full_match(v, '[0-9]{1,4}(\.[0-9]{1,6}){1,3}([-+][a-z0-9.]{1,24})?') then v else opaque(v) end;

create or replace temp macro safe_model(v) as
    case when v is null or regexp_full_match(v, '<synthetic>|[a-z0-9][a-z0-9._:@/-]{0,79}') then v else opaque(v) end;

-- Built-in tools are CamelCase words (Bash, MultiEdit); MCP tools are mcp__<server>__<tool>.
create or replace temp macro safe_tool_name(v) as
    case when v is null or regexp_full_match(v, '[A-Z][A-Za-z]{0,47}|mcp__[A-Za-z0-9_-]{1,96}') then v else opaque(v) end;

create or replace temp macro slash_command_of(text) as
    nullif(regexp_extract(text, '<command-name>(/?[a-z0-9:_.-]{1,64})</command-name>', 1), '');

-- A JSON number, boolean or null (json_extract writes values minified, so the first character tells).
create or replace temp macro is_json_scalar(v) as
    v is not null and left(v::varchar, 1) not in ('"', '{', '[');

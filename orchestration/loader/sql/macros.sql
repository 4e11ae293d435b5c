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

-- Warehouses loaded before a tool result's keys were made safe hold them as written: a result keyed by file
-- names or by what a user typed kept that text. Each key that is not a plain name becomes its hash (safe_key,
-- as a load of today writes it), once.
update raw.claude_code_records
set tool_use_result = struct_update(
    tool_use_result, keys := list_transform(tool_use_result.keys, lambda k: safe_key(k))
)
where not list_bool_and(list_transform(tool_use_result.keys, lambda k: safe_key(k) = k));

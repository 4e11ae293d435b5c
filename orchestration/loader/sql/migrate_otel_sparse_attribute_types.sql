-- Warehouses loaded before attribute_types named only the attributes that were not strings hold a
-- 'stringValue' entry for each kept string attribute: drop those, once, so the column means one thing.
update raw.otel_log_records
set attribute_types = map_from_entries(list_filter(map_entries(attribute_types), lambda e: e.value <> 'stringValue'))
where list_contains(map_values(attribute_types), 'stringValue');

update raw.otel_metric_points
set attribute_types = map_from_entries(list_filter(map_entries(attribute_types), lambda e: e.value <> 'stringValue'))
where list_contains(map_values(attribute_types), 'stringValue');

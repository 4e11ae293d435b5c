-- OTLP/JSON export lines -> raw.otel_log_records / raw.otel_metric_points, or raw.quarantine.
-- Input: batch_lines and batch_files as for transcripts. Attribute text is kept only where its key and
-- shape say it is safe (macros.sql, otlp_facts); other text is dropped here and kept only as its size.

-- The flush's lines without a byte-order mark, read by the checks, the stages and the quarantine alike.
create or replace temp view otel_lines as
select
    file_index,
    line_number,
    unterminated,
    line_bytes,
    without_bom(line) as t
from batch_lines;

-- A line's problem as an OTLP export, from its text and the JSON types of its two lists (f, null when the line
-- is not JSON), or null.
create or replace temp macro otel_line_problem(t, f, unterminated) as
    coalesce(json_line_problem(t, f is not null, unterminated), case
        when f[1] is null and f[2] is null then 'not_an_otlp_export'
        when coalesce(f[1], 'ARRAY') <> 'ARRAY' or coalesce(f[2], 'ARRAY') <> 'ARRAY' then 'wrong_type:resource_list'
    end);

-- The types of an export's two lists, not the lists: extracting them would copy nearly every byte.
create or replace temp macro otel_list_types(t) as
    try(json_type(t, ['$.resourceLogs', '$.resourceMetrics']));

create or replace temp table otel_checked as
with lines as (
    select
        l.*,
        f.duplicate_of
    from otel_lines as l
    inner join batch_files as f on l.file_index = f.file_index
),

opened as (
    select
        *,
        -- An export as exporters write it (minified, its one list first) tells its kind by its opening: it is
        -- parsed once, by its insert below, and checked only if it yields no row. Any other line is parsed
        -- here too (a full parse of every export cost about a tenth of the load).
        case
            when duplicate_of is not null then null
            when starts_with(t, '{"resourceLogs":[') and not contains(t, '"resourceMetrics"') then 'logs'
            when starts_with(t, '{"resourceMetrics":[') and not contains(t, '"resourceLogs"') then 'metrics'
        end as opening_kind
    from lines
),

extracted as (
    select
        *,
        case when duplicate_of is null and opening_kind is null then otel_list_types(t) end as f
    from opened
)

-- Each line's verdict, not its text: an export is ~10 KB, so a flush is a few thousand rows, one row group,
-- which DuckDB scans on one thread. The stages below read the text from otel_lines, scanned on all.
select
    file_index,
    line_number,
    line_bytes,
    unterminated,
    duplicate_of,
    opening_kind is null as is_checked,
    f is not null as is_json,
    case
        when duplicate_of is not null then 'duplicate_file'
        when opening_kind is null then otel_line_problem(t, f, unterminated)
    end as reason,
    case
        when opening_kind is not null then opening_kind
        when f[1] is not null then 'logs'
        when f[2] is not null then 'metrics'
    end as kind
from extracted;

-- Each export is parsed once, by json_transform into the OTLP structure; a part of the wrong shape becomes
-- null and yields no rows (so does a line not checked above that is not JSON), and a line that yields none is
-- quarantined below, as 'no_records' when nothing else is wrong with it. The rows go
-- straight into their raw table: a stage table in between cost a copy of every row, and its insert ran on
-- one core.
insert into raw.otel_log_records
with docs as (
    select
        l.file_index,
        l.line_number,
        try(json_transform(l.t, '{"resourceLogs": [{
            "resource": {"attributes": [{"key": "VARCHAR", "value": "JSON"}]},
            "scopeLogs": [{
                "scope": {"name": "VARCHAR", "version": "VARCHAR"},
                "logRecords": [{
                    "timeUnixNano": "VARCHAR", "observedTimeUnixNano": "VARCHAR", "severityText": "VARCHAR",
                    "body": {"stringValue": "VARCHAR"}, "attributes": [{"key": "VARCHAR", "value": "JSON"}]
                }]
            }]
        }]}')).resourcelogs as resources
    from otel_lines as l
    inner join otel_checked as c on l.file_index = c.file_index and l.line_number = c.line_number
    where c.reason is null and c.kind = 'logs'
),

resources as (
    select
        file_index,
        line_number,
        unnest(resources) as resource_log,
        -- Records in the export's earlier resources.
        unnest(offsets_of(list_transform(
            resources, lambda r: list_sum(list_transform(r.scopelogs, lambda s: len(s.logrecords)))
        ))) as resource_offset
    from docs
),

described_resources as (
    -- A resource's attributes judged once, a column the map and its repeated-name check both read.
    select
        *,
        otlp_facts(resource_log.resource.attributes) as resource_facts
    from resources
),

scopes as (
    select
        file_index,
        line_number,
        -- Once per resource, not once per record.
        otlp_attrs(resource_facts, otlp_names_distinct(resource_facts)) as resource_attrs,
        unnest(resource_log.scopelogs) as scope_log,
        -- Records before the scope's: in earlier resources, then in the resource's earlier scopes.
        resource_offset + unnest(offsets_of(list_transform(resource_log.scopelogs, lambda s: len(s.logrecords))))
            as scope_offset
    from described_resources
),

records as (
    select
        file_index,
        line_number,
        resource_attrs,
        scope_log.scope.name as scope_name,
        scope_log.scope.version as scope_version,
        unnest(scope_log.logrecords) as log_record,
        scope_offset + generate_subscripts(scope_log.logrecords, 1) - 1 as record_index
    from scopes
),

described as (
    select
        *,
        otlp_facts(log_record.attributes) as facts
    from records
),

checked as (
    select
        *,
        otlp_names_distinct(facts) as names_distinct
    from described
)

select
    f.source_file,
    r.line_number,
    r.record_index,
    $batch_id,
    $loaded_at,
    r.resource_attrs,
    safe_dotted_name(r.scope_name),
    safe_version(r.scope_version),
    otlp_nanos(r.log_record.timeunixnano),
    otlp_nanos(r.log_record.observedtimeunixnano),
    case
        when regexp_full_match(r.log_record.severitytext, '[A-Za-z]{1,16}[0-9]?') then r.log_record.severitytext
        else opaque(r.log_record.severitytext)
    end,
    -- The body names the event (claude_code.user_prompt); anything else there is text, kept as nothing.
    case when regexp_full_match(r.log_record.body.stringvalue, '[a-z][a-z0-9_.]{0,63}') then r.log_record.body.stringvalue end,
    otlp_attrs(r.facts, r.names_distinct),
    otlp_attr_types(r.facts, r.names_distinct),
    otlp_redacted(r.facts, r.names_distinct)
from checked as r
inner join batch_files as f on r.file_index = f.file_index;

insert into raw.otel_metric_points
with docs as (
    select
        l.file_index,
        l.line_number,
        try(json_transform(l.t, '{"resourceMetrics": [{
            "resource": {"attributes": [{"key": "VARCHAR", "value": "JSON"}]},
            "scopeMetrics": [{
                "scope": {"name": "VARCHAR", "version": "VARCHAR"},
                "metrics": [{
                    "name": "VARCHAR", "unit": "VARCHAR",
                    "sum": {"dataPoints": "JSON", "aggregationTemporality": "VARCHAR", "isMonotonic": "VARCHAR"},
                    "gauge": {"dataPoints": "JSON", "aggregationTemporality": "VARCHAR", "isMonotonic": "VARCHAR"},
                    "histogram": {
                        "dataPoints": "JSON", "aggregationTemporality": "VARCHAR", "isMonotonic": "VARCHAR"
                    },
                    "exponentialHistogram": {
                        "dataPoints": "JSON", "aggregationTemporality": "VARCHAR", "isMonotonic": "VARCHAR"
                    },
                    "summary": {"dataPoints": "JSON", "aggregationTemporality": "VARCHAR", "isMonotonic": "VARCHAR"}
                }]
            }]
        }]}')).resourcemetrics as resources
    from otel_lines as l
    inner join otel_checked as c on l.file_index = c.file_index and l.line_number = c.line_number
    where c.reason is null and c.kind = 'metrics'
),

resources as (
    select
        file_index,
        line_number,
        unnest(resources) as resource_metric,
        generate_subscripts(resources, 1) as resource_index
    from docs
),

described_resources as (
    -- A resource's attributes judged once, a column the map and its repeated-name check both read.
    select
        *,
        otlp_facts(resource_metric.resource.attributes) as resource_facts
    from resources
),

scopes as (
    select
        file_index,
        line_number,
        resource_index,
        -- Once per resource, not once per data point.
        otlp_attrs(resource_facts, otlp_names_distinct(resource_facts)) as resource_attrs,
        unnest(resource_metric.scopemetrics) as scope_metric,
        generate_subscripts(resource_metric.scopemetrics, 1) as scope_index
    from described_resources
),

metrics as (
    select
        file_index,
        line_number,
        resource_index,
        scope_index,
        resource_attrs,
        scope_metric.scope.name as scope_name,
        scope_metric.scope.version as scope_version,
        unnest(scope_metric.metrics) as metric,
        generate_subscripts(scope_metric.metrics, 1) as metric_index
    from scopes
),

typed as (
    -- A metric's data sits under its type's key; OTLP allows one, and the first present wins. Data points
    -- vary by type; the fields loaded are common to all of them.
    select
        *,
        case
            when metric.sum is not null then 'sum'
            when metric.gauge is not null then 'gauge'
            when metric.histogram is not null then 'histogram'
            when metric.exponentialhistogram is not null then 'exponentialHistogram'
            when metric.summary is not null then 'summary'
        end as metric_type,
        coalesce(metric.sum, metric.gauge, metric.histogram, metric.exponentialhistogram, metric.summary) as data
    from metrics
),

listed as (
    select
        *,
        json_transform(data.datapoints, '[{
            "attributes": [{"key": "VARCHAR", "value": "JSON"}], "startTimeUnixNano": "VARCHAR",
            "timeUnixNano": "VARCHAR", "asInt": "VARCHAR", "asDouble": "VARCHAR", "count": "VARCHAR",
            "sum": "VARCHAR"
        }]') as data_points
    from typed
),

points as (
    select
        *,
        unnest(data_points) as point,
        generate_subscripts(data_points, 1) as point_index
    from listed
),

described as (
    select
        *,
        otlp_facts(point.attributes) as facts
    from points
),

checked as (
    select
        *,
        otlp_names_distinct(facts) as names_distinct
    from described
)

select
    f.source_file,
    p.line_number,
    row_number() over (
        partition by p.file_index, p.line_number
        order by p.resource_index, p.scope_index, p.metric_index, p.point_index
    ) - 1,
    $batch_id,
    $loaded_at,
    p.resource_attrs,
    safe_dotted_name(p.scope_name),
    safe_version(p.scope_version),
    safe_dotted_name(p.metric.name),
    case when regexp_full_match(p.metric.unit, '[A-Za-z0-9{}/%._-]{0,16}') then p.metric.unit else opaque(p.metric.unit) end,
    p.metric_type,
    try_cast(p.data.aggregationtemporality as integer),
    try_cast(p.data.ismonotonic as boolean),
    otlp_nanos(p.point.starttimeunixnano),
    otlp_nanos(p.point.timeunixnano),
    -- int64 values arrive as numeric strings (proto3 JSON); anything else there is not a count.
    case when regexp_full_match(coalesce(p.point.asint, p.point.count), '-?[0-9]{1,20}')
        then coalesce(p.point.asint, p.point.count) end,
    try_cast(coalesce(p.point.asdouble, p.point.sum) as double),
    otlp_attrs(p.facts, p.names_distinct),
    otlp_attr_types(p.facts, p.names_distinct)
from checked as p
inner join batch_files as f on p.file_index = f.file_index;

-- An export with a record the staging models cannot read is quarantined whole, with the first such record's
-- reason: one dated outside the plausible window (its sender's clock is wrong, and its records share that
-- clock; the gate refuses a day outside the window, so one such record would hold back every mart), or one
-- missing what the staging models require of every record (its time, a log record's event name, a metric
-- point's metric name or value: one would fail their not-null tests, and so every dbt build after it). The
-- record's time is the staging models' (its event.timestamp, else its timeUnixNano; a metric point's
-- timeUnixNano); its event name its event.name, else its body.
create or replace temp table otel_unusable as
with records as (
    select
        _source_file,
        _line_number,
        _record_index,
        coalesce(
            try_cast(attributes['event.timestamp'] as timestamptz),
            otlp_nanos_time(time_unix_nano)
        ) as occurred_at,
        case when coalesce(attributes['event.name'], body) is null then 'missing_field:event.name' end as missing
    from raw.otel_log_records
    where _loaded_at = $loaded_at
    union all
    select
        _source_file,
        _line_number,
        _record_index,
        otlp_nanos_time(time_unix_nano) as occurred_at,
        case
            when metric_name is null then 'missing_field:name'
            -- asDouble or asInt (a histogram's or summary's sum or count)
            when as_double is null and as_int is null then 'missing_field:value'
        end as missing
    from raw.otel_metric_points
    where _loaded_at = $loaded_at
),

reasoned as (
    select
        _source_file,
        _line_number,
        _record_index,
        case
            when occurred_at is null then 'missing_field:timeUnixNano'
            when not occurred_at between $earliest_at and $latest_at then 'implausible_value:timestamp'
            else missing
        end as reason
    from records
)

select
    _source_file,
    _line_number,
    arg_min(reason, _record_index) as reason
from reasoned
where reason is not null
group by _source_file, _line_number;

delete from raw.otel_log_records as r
using otel_unusable as i
where r._loaded_at = $loaded_at and r._source_file = i._source_file and r._line_number = i._line_number;

delete from raw.otel_metric_points as r
using otel_unusable as i
where r._loaded_at = $loaded_at and r._source_file = i._source_file and r._line_number = i._line_number;

-- Lines that failed a check, exports quarantined above, and lines that yielded no record: those not checked
-- above are checked now (a truncated or malformed export), else well-formed exports that carried none.
insert into raw.quarantine
with quarantined as (
    select
        c.*,
        f.source_file,
        u.reason as unusable_reason
    from otel_checked as c
    inner join batch_files as f on c.file_index = f.file_index
    left join otel_unusable as u on f.source_file = u._source_file and c.line_number = u._line_number
    where
        c.reason is not null
        or (
            -- This flush's rows are those of its load time (each flush has its own).
            not exists (
                select 1 from raw.otel_log_records as r
                where r._loaded_at = $loaded_at and r._source_file = f.source_file and r._line_number = c.line_number
            )
            and not exists (
                select 1 from raw.otel_metric_points as r
                where r._loaded_at = $loaded_at and r._source_file = f.source_file and r._line_number = c.line_number
            )
        )
),

rechecked as (
    select
        q.*,
        l.t,
        case when not q.is_checked then otel_list_types(l.t) end as late_f
    from quarantined as q
    inner join otel_lines as l on q.file_index = l.file_index and q.line_number = l.line_number
)

select
    source_file,
    line_number,
    null,
    $batch_id,
    $loaded_at,
    'otel',
    coalesce(
        reason,
        unusable_reason,
        case when not is_checked then otel_line_problem(t, late_f, unterminated) end,
        'no_records'
    ),
    line_bytes,
    -- Only quarantined lines need an excerpt; computing it for every line cost more than parsing them.
    case
        when duplicate_of is not null then 'same bytes as ' || duplicate_of
        else excerpt_of(t, is_json or late_f is not null)
    end
from rechecked;

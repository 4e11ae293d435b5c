-- Every line of a line-based file is either loaded or quarantined, never both: a (file, line) pair may
-- not appear in both places. Rows returned are the offending lines.
-- The few quarantined lines are matched against the loaded rows as they are scanned: deduplicating every
-- loaded row first (three `select distinct` over all of raw) made this test grow with the warehouse, 3.9 s of
-- a build at 10M transcript lines.
with

quarantined as (
    select distinct
        _source_file,
        _line_number
    from {{ source('loader', 'quarantine') }}
    where _line_number is not null
),

loaded as (
    select
        _source_file,
        _line_number
    from {{ source('claude_code', 'claude_code_records') }}
    union all
    select
        _source_file,
        _line_number
    from {{ source('otel', 'otel_log_records') }}
    union all
    select
        _source_file,
        _line_number
    from {{ source('otel', 'otel_metric_points') }}
)

select distinct
    loaded._source_file,
    loaded._line_number
from loaded
inner join quarantined
    on loaded._source_file = quarantined._source_file and loaded._line_number = quarantined._line_number

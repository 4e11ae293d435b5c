-- Every line of a line-based file is either loaded or quarantined, never both: a (file, line) pair may
-- not appear in both places. Rows returned are the offending lines.
with

loaded as (
    select distinct
        _source_file,
        _line_number
    from {{ source('claude_code', 'claude_code_records') }}
    union all
    select distinct
        _source_file,
        _line_number
    from {{ source('otel', 'otel_log_records') }}
    union all
    select distinct
        _source_file,
        _line_number
    from {{ source('otel', 'otel_metric_points') }}
),

quarantined as (
    select distinct
        _source_file,
        _line_number
    from {{ source('loader', 'quarantine') }}
    where _line_number is not null
)

select
    loaded._source_file,
    loaded._line_number
from loaded
inner join quarantined
    on loaded._source_file = quarantined._source_file and loaded._line_number = quarantined._line_number

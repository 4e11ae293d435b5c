-- A daily-usage export's records (doc_rows) and its quarantined records or file (doc_bad), one flush.
insert into raw.cursor_daily_usage
select $source_file, record_index, $batch_id, $loaded_at, $period_start, $period_end, record::json
from doc_rows;

insert into raw.quarantine
select $source_file, null, record_index, $batch_id, $loaded_at, $source, reason, size_bytes, excerpt
from doc_bad;

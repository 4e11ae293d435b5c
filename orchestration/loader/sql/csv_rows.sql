-- A flush's CSV rows that could not be read, with their reasons (the rows that parsed go to the source's own
-- raw table, named by the source registry).
insert into raw.quarantine
select _source_file, _line_number, null, $batch_id, $loaded_at, $source, reason, line_bytes, excerpt
from csv_bad;

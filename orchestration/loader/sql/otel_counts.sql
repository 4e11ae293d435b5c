-- Rows loaded and quarantined per file of the flush (file_index): a line is quarantined when this batch put
-- it in raw.quarantine.
select
    c.file_index,
    count(*) filter (where q._line_number is null),
    count(*) filter (where q._line_number is not null)
from otel_checked as c
inner join batch_files as f on c.file_index = f.file_index
left join raw.quarantine as q
    on q._batch_id = $batch_id and q._source_file = f.source_file and q._line_number = c.line_number
group by c.file_index

-- Rows loaded and quarantined per file of the flush (file_index), from the checked CSV lines; the header
-- line is neither.
select
    file_index,
    count(*) filter (where reason is null and not is_header),
    count(*) filter (where reason is not null)
from csv_stage
group by file_index

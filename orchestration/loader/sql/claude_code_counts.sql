-- Rows loaded and quarantined per file of the flush (file_index), from the checked transcript lines.
select
    file_index,
    count(*) filter (where reason is null),
    count(*) filter (where reason is not null)
from claude_checked
group by file_index

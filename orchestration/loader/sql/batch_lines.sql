-- The lines of one flush as the transform scripts read them: batch_lines(file_index, line_number,
-- line (null when not UTF-8), line_bytes, unterminated), over the Arrow lines the loader read and split
-- (batch_lines_raw: binary lines, without their newline). A line that is not UTF-8 is quarantined alone.
create or replace temp view batch_lines as
select
    file_index,
    line_number,
    try(decode(line)) as line,
    octet_length(line) as line_bytes,
    unterminated
from batch_lines_raw;

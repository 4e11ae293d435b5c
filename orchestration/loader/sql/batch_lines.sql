-- The lines of one flush as the transform queries read them: batch_lines(file_index, line_number,
-- line (null when not UTF-8), line_bytes, unterminated). Two sources, one shape.

-- Segments read by Python (appended tails, files with bytes that are not UTF-8): Arrow binary lines.
create or replace temp view batch_lines as
select
    file_index,
    line_number,
    try(decode(line)) as line,
    octet_length(line) as line_bytes,
    unterminated
from batch_lines_raw;

-- Whole files read by DuckDB itself, in parallel: split on newlines; a final newline ends the last line.
create or replace temp view batch_lines as
with blobs as (
    select
        f.file_index,
        try(decode(b.content)) as txt
    from read_blob(getvariable('batch_paths')) as b
    inner join batch_files as f on b.filename = f.source_file
),

split as (
    select
        file_index,
        case
            when txt = '' then []
            when ends_with(txt, chr(10)) then string_split(txt, chr(10))[:-2]
            else string_split(txt, chr(10))
        end as lines,
        not ends_with(txt, chr(10)) as ends_unterminated
    from blobs
    where txt is not null
),

numbered as (
    select
        file_index,
        ends_unterminated,
        len(lines) as n_lines,
        unnest(lines) as line,
        generate_subscripts(lines, 1) as line_number
    from split
)

select
    file_index,
    line_number,
    line,
    strlen(line) as line_bytes,
    ends_unterminated and line_number = n_lines as unterminated
from numbered;

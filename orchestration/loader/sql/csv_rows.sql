-- CSV export lines -> the source's raw table (a JSON object per row, header -> value) or raw.quarantine.
-- Input: batch_lines as for transcripts, and batch_files with each file's header (csv_rows.py): the keys of
-- a row's JSON object, which field each key takes, and how many fields a row must have. Line 1 is the
-- header, the file's schema: it lands in neither table. A line is one row: RFC 4180 quoting ("a,b", "a""b")
-- is read, and a value may not span lines.
create or replace temp table csv_stage as
with lines as (
    select
        l.file_index,
        l.line_number,
        l.unterminated,
        l.line_bytes,
        f.duplicate_of,
        f.header_keys,
        f.key_prefixes,
        f.header_positions,
        f.n_columns,
        f.typed_keys,
        f.typed_positions,
        l.line_number = 1 as is_header,
        rtrim(l.line, chr(13)) as t
    from batch_lines as l
    inner join batch_files as f on l.file_index = f.file_index
),

split as (
    select
        *,
        case
            when duplicate_of is not null or t is null or is_header then null
            -- The common case: no quotes, so every comma separates two fields.
            when not contains(t, '"') then string_split(t, ',')
            -- Quoted fields, when every one is closed where its field ends (else the line is quarantined).
            when regexp_full_match(t, csv_line_pattern()) then list_transform(
                regexp_extract_all(',' || t, ',(' || csv_field_pattern() || ')', 1),
                lambda x: case when starts_with(x, '"') then replace(x[2:-2], '""', '"') else x end
            )
        end as fields
    from lines
),

valued as (
    -- Named once: a macro's arguments are pasted wherever it uses them.
    select
        *,
        list_select(fields, typed_positions) as typed_values,
        list_select(fields, header_positions) as header_values
    from split
),

checked as (
    select
        *,
        case
            when is_header then null
            when duplicate_of is not null then 'duplicate_file'
            when t is null then 'invalid_utf8'
            when trim(t, e' \t\x0B\x0C') = '' then 'blank_line'
            when fields is null and unterminated then 'truncated_last_line'
            when fields is null then 'csv_invalid_quoting'
            when n_columns is null or len(fields) <> n_columns then
                case when unterminated then 'truncated_last_line' else 'csv_field_count_mismatch' end
            -- A field the staging models cast holds a value of its type (csv_rows.py, FIELD_KINDS): the
            -- source's check, which its flush defines (csv_rows.typed_problem_macro).
            else csv_typed_field_problem(typed_keys, typed_values, $earliest_at, $latest_at)
        end as reason
    from valued
)

select
    file_index,
    line_number,
    line_bytes,
    unterminated,
    is_header,
    reason,
    case
        when duplicate_of is not null then 'same bytes as ' || duplicate_of
        when reason in ('csv_invalid_quoting', 'csv_field_count_mismatch', 'truncated_last_line')
            or split_part(reason, ':', 1) in ('missing_field', 'invalid_value', 'implausible_value')
            then shape_of(left(t, 160))
    end as excerpt,
    case
        when reason is null and not is_header
            -- Each key's member, its value in its field: a JSON object in the header's order (a header naming
            -- a column twice gives it the last field, header_positions; csv_rows.py defines csv_object).
            then csv_object(header_keys, key_prefixes, header_values)
    end as record
from checked;

insert into raw.quarantine
select
    f.source_file,
    s.line_number,
    null,
    $batch_id,
    $loaded_at,
    $source,
    s.reason,
    s.line_bytes,
    s.excerpt
from csv_stage as s
inner join batch_files as f on s.file_index = f.file_index
where s.reason is not null;

"""The CSV handler's Python half: each file's header, read once per flush (sql/csv_rows.sql reads the rows).

The header line is the file's schema and lands nowhere; each later line is one row, keyed by it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa

HEADER_SCHEMA = pa.schema(
    [
        ("header_keys", pa.list_(pa.string())),
        ("key_prefixes", pa.list_(pa.string())),
        ("header_positions", pa.list_(pa.int32())),
        ("n_columns", pa.int32()),
        ("typed_keys", pa.list_(pa.string())),
        ("typed_positions", pa.list_(pa.int32())),
    ]
)

# What a typed field's value must be (sql/csv_rows.sql checks it with `typed_problem_macro`; a row that fails is
# quarantined as invalid_value:<field>): the staging models cast these fields, and one value that does not cast
# would fail the whole dbt build, so nothing would publish until someone edited the export.
# A file whose header lacks a field of the last three kinds has every row quarantined (missing_field:<field>);
# the others may be absent (no value).
FIELD_KINDS = (
    "count",  # a whole number >= 0 (up to 18 digits), or blank (no value)
    "amount",  # a decimal >= 0 with up to 8 digits before the point, or blank
    "price",  # anything; a number (after a leading $) from 0 to 1e12 (text such as "Included" is 0)
    "text",  # anything but blank
    "timestamp",  # an ISO 8601 time, with or without its zone
    "event_time",  # a timestamp inside the loader's plausible window (implausible_value:<field> outside it)
)


def csv_header(path: Path) -> list[str] | None:
    """The file's header fields, or None when its first line is not UTF-8 (every row is then quarantined)."""
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    return next(csv.reader([text]), None)


def header_columns(paths: list[str], typed: tuple[tuple[str, str], ...] = ()) -> dict[str, list]:
    """Per file: the keys of its rows' JSON objects, as they are and as the JSON text that opens each member
    ('"Date":'), the (1-based) field each key takes, and how many fields a row has; and the source's `typed`
    fields ((name, kind) pairs, FIELD_KINDS) with their fields (0 when the header lacks one).

    A header that names a column twice gives it one key, in its first place, with its last field (as a
    dict built from the row would)."""
    columns: dict[str, list] = {name: [] for name in HEADER_SCHEMA.names}
    headers: dict[str, list[str] | None] = {}
    for path in paths:
        header = headers[path] if path in headers else headers.setdefault(path, csv_header(Path(path)))
        last = {key: position for position, key in enumerate(header or [], start=1)}
        columns["header_keys"].append(list(last) if header is not None else None)
        columns["key_prefixes"].append([json.dumps(key) + ":" for key in last] if header is not None else None)
        columns["header_positions"].append(list(last.values()) if header is not None else None)
        columns["n_columns"].append(len(header) if header is not None else None)
        # A field the header lacks is field 0, which the SQL reads as null.
        columns["typed_keys"].append([key for key, _ in typed])
        columns["typed_positions"].append([last.get(key, 0) for key, _ in typed])
    return columns


def check_kinds(typed: tuple[tuple[str, str], ...], where: str) -> None:
    """Refuses a typed field whose kind FIELD_KINDS does not name (`where` says whose fields they are)."""
    unknown = {kind for _, kind in typed} - set(FIELD_KINDS)
    if unknown:
        raise ValueError(f"{where}: unknown field kinds {sorted(unknown)} (csv_rows.FIELD_KINDS)")


def typed_problem_macro(typed: tuple[tuple[str, str], ...]) -> str:
    """`csv_typed_field_problem(names, vals, earliest_at, latest_at)`: why the first of a row's typed fields (in
    `typed`'s order, as header_columns lists them) is not of its kind, or null; each kind's check is its macro in
    sql/macros.sql. Written from the kinds alone (FIELD_KINDS, checked by `csv_source`) and the fields' places."""
    check_kinds(typed, "csv_typed_field_problem")  # each kind names a macro: nothing else may reach the SQL
    checks = [
        f"csv_{kind}_problem(names[{i}], vals[{i}]{', earliest_at, latest_at' if kind == 'event_time' else ''})"
        for i, (_, kind) in enumerate(typed, start=1)
    ]
    body = f"coalesce({', '.join(checks)})" if checks else "null"
    return f"create or replace temp macro csv_typed_field_problem(names, vals, earliest_at, latest_at) as {body}"


# Rows of up to this many keys get their JSON object from DuckDB's json_object (3.4x faster than joining the
# members as text, measured on Cursor exports); wider ones from the members joined as text.
OBJECT_MAX_KEYS = 32


def object_macro() -> str:
    """`csv_object(keys, key_prefixes, vals)`: a row's JSON object, its keys in the header's order.
    json_object takes its pairs as arguments, so one call per key count; only those counts are written here."""
    calls = "\n".join(
        f"        when {n} then json_object({', '.join(f'keys[{i}], vals[{i}]' for i in range(1, n + 1))})"
        for n in range(1, OBJECT_MAX_KEYS + 1)
    )
    return f"""create or replace temp macro csv_object(keys, key_prefixes, vals) as
    case len(keys)
{calls}
        else ('{{' || array_to_string(list_transform(
            list_zip(key_prefixes, vals), lambda member: member[1] || to_json(member[2])
        ), ',') || '}}')::json
    end"""

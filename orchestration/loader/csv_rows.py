"""The CSV handler: header-keyed rows of the Cursor usage-events export and the org directory.

Python's C csv parser handles the quoting; each line is one row, keyed by its file's header line (the header
is the file's schema and lands nowhere). A row that cannot be read is quarantined with its reason and a
shape-only excerpt, never its text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pyarrow as pa

from orchestration.loader.files import Segment

GOOD_SCHEMA = pa.schema([("_source_file", pa.string()), ("_line_number", pa.int64()), ("record", pa.string())])
BAD_SCHEMA = pa.schema(
    [
        ("_source_file", pa.string()),
        ("_line_number", pa.int64()),
        ("reason", pa.string()),
        ("line_bytes", pa.int64()),
        ("excerpt", pa.string()),
    ]
)


def csv_header(path: Path) -> list[str] | None:
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    return next(csv.reader([text]), None)


def shape(text: str) -> str:
    """Letters to 'a' and digits to '9': a line's shape without its words or numbers."""
    return "".join("a" if c.isalpha() else "9" if c.isdigit() else c for c in text[:160])


def parse_segments(segments: list[Segment]) -> tuple[pa.Table, pa.Table, dict[int, tuple[int, int]]]:
    """The rows that parsed (as JSON objects), the rows quarantined, and per segment how many of each."""
    good: dict[str, list] = {name: [] for name in GOOD_SCHEMA.names}
    bad: dict[str, list] = {name: [] for name in BAD_SCHEMA.names}
    counts: dict[int, tuple[int, int]] = {}
    for index, seg in enumerate(segments):
        header = csv_header(Path(seg.plan.path))
        n_good = n_bad = 0
        for offset, raw in enumerate(seg.lines.to_pylist()):
            number = seg.first_line + offset
            if number == 1:
                continue  # the header: this file's schema
            reason, excerpt, fields = None, None, None
            try:
                text = raw.decode("utf-8").rstrip("\r")
            except UnicodeDecodeError:
                reason = "invalid_utf8"
            else:
                if seg.plan.duplicate_of:
                    reason, excerpt = "duplicate_file", f"same bytes as {seg.plan.duplicate_of}"
                elif not text.strip():
                    reason = "blank_line"
                else:
                    fields = next(csv.reader([text]))
                    if header is None or len(fields) != len(header):
                        unterminated = offset == len(seg.lines) - 1 and not seg.last_line_complete
                        reason = "truncated_last_line" if unterminated else "csv_field_count_mismatch"
                        excerpt = shape(text)
            if reason is None:
                good["_source_file"].append(seg.plan.path)
                good["_line_number"].append(number)
                good["record"].append(orjson.dumps(dict(zip(header, fields, strict=True))).decode())
                n_good += 1
            else:
                for key, value in zip(bad, (seg.plan.path, number, reason, len(raw), excerpt), strict=True):
                    bad[key].append(value)
                n_bad += 1
        counts[index] = (n_good, n_bad)
    return pa.table(good, schema=GOOD_SCHEMA), pa.table(bad, schema=BAD_SCHEMA), counts

"""The JSON document handler: whole-file Cursor Admin API daily-usage exports.

A file's `data[]` records land one row each, with the export's period; a file that is not such an export
lands as one quarantine row (no line), a record that fails as one quarantine row with its record index.
"""

from __future__ import annotations

from datetime import datetime

import orjson
import pyarrow as pa

GOOD_SCHEMA = pa.schema([("record_index", pa.int64()), ("record", pa.string())])
BAD_SCHEMA = pa.schema(
    [("record_index", pa.int64()), ("reason", pa.string()), ("size_bytes", pa.int64()), ("excerpt", pa.string())]
)


# The fields stg_cursor__daily_usage casts to whole numbers and to a boolean: a value that does not cast would
# fail the whole dbt build (nothing would publish until someone edited the export), so its record is
# quarantined here instead.
COUNT_FIELDS = (
    "totalLinesAdded", "totalLinesDeleted", "acceptedLinesAdded", "acceptedLinesDeleted", "totalApplies",
    "totalAccepts", "totalRejects", "totalTabsShown", "totalTabsAccepted", "composerRequests", "chatRequests",
    "agentRequests", "cmdkUsages", "usageBasedReqs",
)  # fmt: skip
MAX_COUNT = 10**18


def is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def daily_usage_problem(record: object, window_ms: tuple[int, int]) -> str | None:
    """Why a daily-usage record cannot land, or None. `window_ms`: the plausible days, in milliseconds since the
    epoch (the loader's window for every timestamp; the gate refuses a day outside it)."""
    if not isinstance(record, dict):
        return "not_a_json_object"
    for key in ("date", "email"):
        if key not in record:
            return f"missing_field:{key}"
    if not is_whole_number(record["date"]):
        return "wrong_type:date"
    if not window_ms[0] <= record["date"] <= window_ms[1]:
        return "implausible_value:date"
    if not isinstance(record["email"], str):
        return "wrong_type:email"
    for key in COUNT_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not is_whole_number(value):
            return f"wrong_type:{key}"
        if not 0 <= value < MAX_COUNT:
            return f"invalid_value:{key}"
    if record.get("isActive") is not None and not isinstance(record["isActive"], bool):
        return "wrong_type:isActive"
    return None


def parse_daily_usage(
    body: bytes, duplicate_of: str | None, window: tuple[datetime, datetime]
) -> tuple[pa.Table, pa.Table, dict]:
    """(records that parsed, records or file quarantined, the export's period) of one export's bytes; a record
    dated outside `window` is quarantined."""
    window_ms = (int(window[0].timestamp() * 1000), int(window[1].timestamp() * 1000))
    good: list[tuple[int, str]] = []
    bad: list[tuple[int | None, str, int, str | None]] = []
    period: dict = {}
    if duplicate_of:
        bad.append((None, "duplicate_file", len(body), f"same bytes as {duplicate_of}"))
    else:
        try:
            document = orjson.loads(body.removeprefix(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError as error:
            bad.append((None, "invalid_utf8" if "utf-8" in str(error).lower() else "invalid_json", len(body), None))
        else:
            if not isinstance(document, dict) or not isinstance(document.get("data"), list):
                bad.append((None, "not_a_daily_usage_export", len(body), None))
            else:
                period = document.get("period") or {}
                for index, record in enumerate(document["data"]):
                    reason = daily_usage_problem(record, window_ms)
                    if reason:
                        bad.append((index, reason, len(orjson.dumps(record)), None))
                    else:
                        good.append((index, orjson.dumps(record).decode()))
    return _table(good, GOOD_SCHEMA), _table(bad, BAD_SCHEMA), period


def no_rows() -> tuple[pa.Table, pa.Table, dict]:
    """What a file that was only touched (same bytes, new mtime) gives: nothing to land."""
    return GOOD_SCHEMA.empty_table(), BAD_SCHEMA.empty_table(), {}


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(schema.names)}, schema=schema)

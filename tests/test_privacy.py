"""Content never stored, by construction: a canary planted in every string leaf of every record (real
transcripts, generated ones and the record kinds newer Claude Code writes) reaches no DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CANARY, REALDATA, accounted_lines, assert_no_canary, file_lines, load, opaque, query

# Record kinds and fields that carried text past the old deny-list (Claude Code 2.1).
NEWER_RECORDS = [
    {
        "type": "system",
        "subtype": "stop_hook_summary",
        "hookCount": 1,
        "hookInfos": [{"command": "./check.sh --fix"}],
        "hookErrors": ["lint failed on src/app.py"],
        "preventedContinuation": False,
        "stopReason": "Blocked: tests failing",
        "level": "suggestion",
        "timestamp": "2026-11-01T10:00:00.000Z",
        "uuid": "0f0e0d0c-0b0a-4090-8070-605040302010",
        "sessionId": "5c0375b4-57a5-4f26-b12d-d022ee4e51b7",
    },
    {"type": "custom-title", "customTitle": "Fix the login race", "sessionId": "5c0375b4-57a5-4f26-b12d-d022ee4e51b7"},
    {
        "type": "queue-operation",
        "operation": "enqueue",
        "content": "also update the docs",
        "timestamp": "2026-11-01T10:00:01.000Z",
        "sessionId": "5c0375b4-57a5-4f26-b12d-d022ee4e51b7",
    },
]


def plant(value: object, key: str = "") -> object:
    """The canary as every string leaf; timestamps stay timestamps, so the records still load."""
    if isinstance(value, dict):
        return {k: plant(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [plant(v, key) for v in value]
    if isinstance(value, str):
        return value if key == "timestamp" else CANARY
    return value


def plant_suffix(value: object, key: str = "") -> object:
    """The canary appended to every string leaf but the record type, as text pasted into a field would be."""
    if isinstance(value, dict):
        return {
            k: value[k] if k == "type" and isinstance(value[k], str) else plant_suffix(v, k) for k, v in value.items()
        }
    if isinstance(value, list):
        return [plant_suffix(v, key) for v in value]
    if isinstance(value, str):
        return value if key == "timestamp" else f"{value} {CANARY} please keep this secret"
    return value


def plant_keys(value: object, depth: int = 0) -> object:
    """The canary as a key of every object (beside its own keys, which stay), holding text, a number or an
    object in turn: a tool's result or input keyed by file names or by what a user typed, say."""
    if isinstance(value, dict):
        planted: dict = {k: plant_keys(v, depth + 1) for k, v in value.items()}
        planted[f"{CANARY} {depth}"] = ("text", 7, {CANARY: 1})[depth % 3]
        return planted
    if isinstance(value, list):
        return [plant_keys(v, depth + 1) for v in value]
    return value


def bare_values(value: object) -> object:
    """OTLP attribute values written bare (a JSON string or list, not an AnyValue object), as a malformed
    exporter might: each string value with the canary appended, every other one a list holding the canary."""
    if isinstance(value, dict):
        inner = value.get("value")
        if set(value) == {"key", "value"} and isinstance(inner, dict) and "stringValue" in inner:
            text = f"{inner['stringValue']} {CANARY}"
            return {"key": value["key"], "value": text if len(value["key"]) % 2 else [text]}
        return {k: bare_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [bare_values(v) for v in value]
    return value


def write_jsonl(path: Path, records: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def fuzzed_landing(tmp_path: Path, sample_landing: Path) -> Path:
    """Real transcripts (when present), a generated developer's and the newer record kinds, each planted three
    times (canary as the whole value, canary appended, canary as a key of every object), under three owners."""
    sources: list[Path] = []
    real = REALDATA / "claude-code-viewer" / "projects"
    if real.is_dir():
        sources += sorted(real.rglob("*.jsonl"))
    # Generated transcripts: main sessions and subagents, every record kind the generator writes.
    generated = sorted((sample_landing / "claude_code").rglob("*.jsonl"))
    sources += [p for p in generated if "agent-" in p.name][:10] + [p for p in generated if "agent-" not in p.name][:30]
    landing = tmp_path / "landing"
    # OpenTelemetry exports: every string leaf too (attribute keys and values, names, units, times).
    for index, source in enumerate(sorted((sample_landing / "otel").rglob("*.jsonl"))[:6]):
        for name, planter in (("whole", plant), ("suffix", plant_suffix), ("bare", bare_values), ("keys", plant_keys)):
            records = [json.loads(line) for line in source.read_bytes().splitlines() if line.strip()]
            write_jsonl(landing / "otel" / name / f"{index:04d}.jsonl", [planter(r) for r in records])
    for owner, planter in (("whole", plant), ("suffix", plant_suffix), ("keys", plant_keys)):
        for index, source in enumerate(sources):
            records = [json.loads(line) for line in source.read_bytes().splitlines() if line.strip()]
            if index == 0:
                records += NEWER_RECORDS
            target = landing / "claude_code" / owner / "projects" / "p" / f"{index:04d}.jsonl"
            write_jsonl(target, [planter(r) for r in records])
    return landing


def test_a_canary_in_every_string_leaf_reaches_no_table_and_no_file(tmp_path: Path, sample_landing: Path) -> None:
    landing = fuzzed_landing(tmp_path, sample_landing)
    planted = sum(p.read_bytes().count(CANARY.encode()) for p in landing.rglob("*.jsonl"))
    assert planted > 10_000
    warehouse = tmp_path / "w.duckdb"
    summary = load(landing, warehouse)
    # The records still load (ids become opaque hashes, text becomes sizes); none is lost.
    raw, quarantined = accounted_lines(warehouse)
    assert sorted(raw + quarantined) == sorted(file_lines(landing))
    transcript_lines = file_lines(landing, ("claude_code/**/*.jsonl",))
    assert summary.sources["claude_code"].rows_loaded > 0.99 * len(transcript_lines)
    otel = query(warehouse, "select count(*) from raw.otel_log_records")[0][0]
    assert otel > 100, "the planted OpenTelemetry exports still load"
    types = {
        t
        for (t,) in query(
            warehouse, "select distinct record_type from raw.claude_code_records where _transcript_owner = 'suffix'"
        )
    }
    assert {"user", "assistant", "system", "custom-title", "queue-operation"} <= types
    tokens = query(
        warehouse,
        "select count(*) from raw.claude_code_records where output_tokens is not null",
    )[0][0]
    assert tokens > 0, "numbers are safe and kept"
    assert assert_no_canary(warehouse) > 20


def load_transcript(tmp_path: Path, records: list[dict]) -> Path:
    """One transcript file of `records`, loaded into a new warehouse (returned)."""
    write_jsonl(tmp_path / "landing" / "claude_code" / "me" / "projects" / "p" / "s.jsonl", records)
    load(tmp_path / "landing", tmp_path / "w.duckdb")
    return tmp_path / "w.duckdb"


@pytest.mark.parametrize(
    ("field", "value", "kept"),
    [
        ("hookErrors", ["text"], False),
        ("stopReason", "free text", False),
        ("customTitle", "a title", False),
        ("durationMs", 1234, True),
        ("isCompactSummary", True, True),
        # Known fields that are typed when boolean: any other value is kept or reduced as an unknown field's.
        ("isSidechain", 1, True),
        ("isMeta", "yes", False),
    ],
)
def test_unknown_fields_keep_numbers_and_lose_text(tmp_path: Path, field: str, value: object, kept: bool) -> None:
    warehouse = load_transcript(tmp_path, [{"type": "system", "timestamp": "2026-11-01T10:00:00Z", field: value}])
    stored, redacted = query(
        warehouse,
        "select other_scalars[?], redacted_fields[?] from raw.claude_code_records",
        [field, field],
    )[0]
    if kept:
        assert json.loads(stored) == value and redacted is None
    else:
        assert stored is None and redacted == len(json.dumps(value, separators=(",", ":")))


@pytest.mark.parametrize("field", ['say "hi"', "", "a/b~c", "$.x", "dotted.name"])
def test_an_unknown_field_of_any_name_keeps_its_number_or_its_texts_size_under_its_names_hash(
    tmp_path: Path, field: str
) -> None:
    """A key holding a double quote, or the empty key, cannot be named by a quoted JSONPath: such a field's
    number was lost and its text's size recorded as -1. Every name is reached, and stored as its hash."""
    records = [{"type": "system", "timestamp": "2026-11-01T10:00:00Z", field: value} for value in (1234, "free text")]
    warehouse = load_transcript(tmp_path, records)
    hashed = opaque(field)
    rows = query(
        warehouse,
        "select other_scalars[?], redacted_fields[?] from raw.claude_code_records order by _line_number",
        [hashed, hashed],
    )
    assert rows == [("1234", None), (None, len('"free text"'))]
    names = query(
        warehouse,
        "select distinct unnest(map_keys(other_scalars) || map_keys(redacted_fields)) from raw.claude_code_records",
    )
    assert sorted(name for (name,) in names) == [hashed]

"""Random bad values planted in a generated landing folder, deterministically (a seed): what an exporter with a
bug, a hand-edited export or a newer format might write. Each mutated line or row keeps its file's format
(JSON lines stay JSON, CSV rows keep their field count) but holds other values where the generator wrote
its own: a wrong type, an empty or absent value, a number too large, a date far off. `plant_random_shapes`
changes shapes instead: fields, record and block types no version wrote yet, odd keys, deep or long values,
escapes, repeated keys and CSV columns."""

from __future__ import annotations

import copy
import csv
import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

# What a JSON value may become: every JSON type, empty and absent values, a number beyond 64 bits, a date
# far off, a numeric string, a negative.
JSON_VALUES: tuple[object, ...] = (
    None, 0, -1, 1.5, True, "", "s", "12", "99999999999999999999999", "2036-01-01T00:00:00Z", [], {}, [None],
    [{}], {"a": 1}, {"stringValue": None}, {"intValue": "x"},
)  # fmt: skip
CSV_VALUES = ("", "n/a", "-5", "1e400", "99999999999999999999999", "2036-01-01T00:00:00Z", "true", ";", '"')
ABSENT = object()
# Keys and values a newer format (or a broken writer) might hold: JSON-path and SQL syntax, escapes, other
# scripts, a NUL, the empty key, a key differing only in case.
ODD_KEYS = (
    "", "a.b", 'q"uote', "b\\slash", "$", "[0]", "x y", "ключ", "\u0000", "Type", "sessionID", "message.usage",
    "newField", "toolUseResult2",
)  # fmt: skip
ODD_VALUES: tuple[object, ...] = (
    *JSON_VALUES, "\u0000", 'a"b\\c', "é" * 3, "\ud83d\ude00", "x" * 70_000, {"k": {"k": {"k": [1, {"k": None}]}}},
    [[[[]]]], {"type": "text", "text": "t"}, 1e308, -0.0, 10**30,
)  # fmt: skip
NEW_RECORD_TYPES = ("progress", "file-history-snapshot", "queue-operation", "attachment", "x-future", "USER", "")
NEW_BLOCKS: tuple[dict, ...] = (
    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0"}},
    {"type": "redacted_thinking", "data": "abc"},
    {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "q"}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": [{"type": "web_search_result"}]},
    {"type": "tool_result", "tool_use_id": "toolu_01", "content": [{"type": "text", "text": "t"}, {"type": "image"}]},
    {"type": "document", "source": {"type": "text", "data": "d"}, "title": None},
    {"type": "x-future", "nested": {"deep": [1, 2, {"a": "b"}]}},
)


def json_paths(value: object, path: tuple = ()) -> Iterator[tuple]:
    """Paths to every value in a JSON document (the first three items of each list)."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            yield from json_paths(child, (*path, index))


def mutate_json(document: object, rng: random.Random, changes: int = 2) -> object:
    """A copy of `document` with `changes` values replaced (or, in an object, removed)."""
    mutated = copy.deepcopy(document)
    paths = list(json_paths(mutated))[1:]
    for path in rng.sample(paths, min(changes, len(paths))):
        parent = mutated
        try:
            for step in path[:-1]:
                parent = parent[step]
            replacement = rng.choice((*JSON_VALUES, ABSENT))
            if replacement is ABSENT and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif replacement is not ABSENT:
                parent[path[-1]] = replacement
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this value's parent
    return mutated


def mutate_json_lines(path: Path, rng: random.Random, share: float) -> int:
    """Replaces values in `share` of a JSON-lines file's lines; returns how many lines changed."""
    lines = path.read_bytes().splitlines()
    chosen = [i for i in range(len(lines)) if rng.random() < share]
    for i in chosen:
        lines[i] = json.dumps(mutate_json(json.loads(lines[i]), rng), separators=(",", ":")).encode()
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(chosen)


def mutate_csv(path: Path, rng: random.Random, share: float) -> int:
    """Replaces one field in `share` of a CSV file's rows (never the header); returns how many rows changed."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    chosen = [i for i in range(1, len(rows)) if rows[i] and rng.random() < share]
    for i in chosen:
        rows[i][rng.randrange(len(rows[i]))] = rng.choice(CSV_VALUES)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return len(chosen)


def mutate_daily_usage(path: Path, rng: random.Random, share: float) -> int:
    """Replaces values in `share` of a Cursor daily-usage export's rows; returns how many rows changed."""
    export = json.loads(path.read_bytes())
    rows = export.get("data", [])
    chosen = [i for i in range(len(rows)) if rng.random() < share]
    for i in chosen:
        rows[i] = mutate_json(rows[i], rng, changes=1)
    path.write_text(json.dumps(export))
    return len(chosen)


# Written in place of this string: a value nested deeper than Python's json module writes.
DEEP = "__deep_value__"
DEEP_JSON = "[" * 3000 + "0" + "]" * 3000


def _at(document: object, path: tuple) -> object:
    """The value at `path` (json_paths) in `document`."""
    for step in path:
        document = document[step]  # type: ignore[index]
    return document


def reshape_json(document: object, rng: random.Random) -> object:
    """A copy of `document` with one change of shape: a field added anywhere (odd keys and values), a record of
    a type no version wrote yet, a content block of a new kind, a deep value."""
    mutated = copy.deepcopy(document)
    objects = [path for path in json_paths(mutated) if isinstance(_at(mutated, path), dict)]
    change = rng.randrange(4)
    if change == 0 and objects:
        _at(mutated, rng.choice(objects))[rng.choice(ODD_KEYS)] = rng.choice(ODD_VALUES)
    elif change == 1 and isinstance(mutated, dict) and "type" in mutated:
        mutated["type"] = rng.choice(NEW_RECORD_TYPES)
    elif change == 2 and isinstance(mutated, dict) and isinstance(mutated.get("message"), dict):
        content = mutated["message"].get("content")
        block = copy.deepcopy(rng.choice(NEW_BLOCKS))
        mutated["message"]["content"] = [*content, block] if isinstance(content, list) else [block]
    elif objects:
        _at(mutated, rng.choice(objects))[rng.choice(ODD_KEYS)] = DEEP
    return mutated


def repeated_key_text(document: dict, rng: random.Random) -> str:
    """The document's JSON with one of its top-level keys written twice, the second time with another value
    (JSON allows it; parsers keep the first or the last)."""
    text = json.dumps(document, separators=(",", ":"))
    if not document:
        return text
    key = rng.choice(list(document))
    return text[:-1] + "," + json.dumps(key) + ":" + json.dumps(rng.choice(ODD_VALUES)) + "}"


def reshape_json_lines(path: Path, rng: random.Random, share: float) -> int:
    """Changes the shape of `share` of a JSON-lines file's lines; returns how many lines changed."""
    lines = path.read_bytes().splitlines()
    chosen = [i for i in range(len(lines)) if rng.random() < share]
    for i in chosen:
        document = json.loads(lines[i])
        if rng.random() < 0.15 and isinstance(document, dict):
            lines[i] = repeated_key_text(document, rng).encode()
        else:
            text = json.dumps(reshape_json(document, rng), separators=(",", ":"))
            lines[i] = text.replace(json.dumps(DEEP), DEEP_JSON).encode()
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(chosen)


def reshape_csv(path: Path, rng: random.Random) -> int:
    """Changes a CSV export's columns: one added (odd name), one dropped, the order shuffled or a column
    named twice; returns 1."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    change = rng.randrange(4)
    if change == 0:
        header = [*header, rng.choice(("Extra", "", "Max Mode", "a,b", 'q"uote'))]
        body = [[*row, rng.choice(CSV_VALUES)] for row in body]
    elif change == 1:
        order = list(range(len(header)))
        rng.shuffle(order)
        header = [header[i] for i in order]
        body = [[row[i] for i in order] if len(row) == len(order) else row for row in body]
    elif change == 2:
        drop = rng.randrange(len(header))
        header = header[:drop] + header[drop + 1 :]
        body = [row[:drop] + row[drop + 1 :] for row in body]
    else:
        header = [*header, header[rng.randrange(len(header))]]
        body = [[*row, rng.choice(CSV_VALUES)] for row in body]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    path.write_text(out.getvalue(), encoding="utf-8")
    return 1


def plant_random_shapes(landing: Path, seed: int, share: float = 0.05) -> dict[str, int]:
    """Changes the shape of `share` of the transcript lines and OTel exports, and the columns of some Cursor
    exports, in `landing`; returns how many changed, per source."""
    rng = random.Random(seed)
    changed = {"claude_code": 0, "otel": 0, "cursor_usage_events": 0}
    for path in sorted(landing.glob("claude_code/**/*.jsonl")):
        changed["claude_code"] += reshape_json_lines(path, rng, share)
    for path in sorted(landing.glob("otel/**/*.jsonl")):
        changed["otel"] += reshape_json_lines(path, rng, share * 4)
    for path in sorted(landing.glob("cursor/usage_events/*.csv")):
        if rng.random() < share * 4:
            changed["cursor_usage_events"] += reshape_csv(path, rng)
    return changed


def plant_random_values(landing: Path, seed: int, share: float = 0.05) -> dict[str, int]:
    """Mutates `share` of every source's lines or rows in `landing`; returns how many changed, per source."""
    rng = random.Random(seed)
    changed = {"claude_code": 0, "otel": 0, "cursor_usage_events": 0, "cursor_daily_usage": 0}
    for path in sorted(landing.glob("claude_code/**/*.jsonl")):
        changed["claude_code"] += mutate_json_lines(path, rng, share)
    for path in sorted(landing.glob("otel/**/*.jsonl")):
        changed["otel"] += mutate_json_lines(path, rng, share * 4)  # an export holds many records
    for path in sorted(landing.glob("cursor/usage_events/*.csv")):
        changed["cursor_usage_events"] += mutate_csv(path, rng, share)
    for path in sorted(landing.glob("cursor/daily_usage/*.json")):
        changed["cursor_daily_usage"] += mutate_daily_usage(path, rng, share)
    return changed

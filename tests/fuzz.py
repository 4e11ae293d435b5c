"""Random bad values planted in a generated landing folder, deterministically (a seed): what an exporter with a
bug, a hand-edited export or a newer format might write. Each mutated line or row keeps its file's format
(JSON lines stay JSON, CSV rows keep their field count) but holds other values where the generator wrote
its own: a wrong type, an empty or absent value, a number too large, a date far off."""

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

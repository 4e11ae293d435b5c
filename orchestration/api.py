"""The analytics API for R&D and product (seed 004: "analytics API"): read-only HTTP JSON over the semantic
layer's metrics, answered from the product audience's published file only.

- `GET /metrics`: the metrics the product file holds, with their catalog meta (owner, tier, formula, target,
  ...) and, per mart that publishes one, its time grain and dimensions.
- `GET /metrics/{name}`: the metric's values at a grain and by dimensions, with filters (`where=dim:value`,
  repeatable; `start`/`end` on the time dimension).

Privacy is the file's: every published row describes at least `min_group_size` active people, and hidden
rows cannot be recovered from shown ones (secondary suppression in the marts). So the API never adds rows
up: an answer is a set of whole published rows at the grain and dimensions they were published at, and a
question that would need a finer cut (another grain, a subset of the dimensions, a filter on anything that
is not one of them, such as a developer or a team) is refused, not approximated. Each answer row states the
people it describes.

Tokens are per audience (`ai-telemetry api token --audience product`); only their SHA-256 is stored, in
`$AI_TELEMETRY_HOME/api_tokens.json`. The server binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import yaml

from orchestration.paths import PROJECT_DIR, Paths

AUDIENCE = "product"
AUDIENCES = PROJECT_DIR / "orchestration" / "audiences.json"
METRICS = PROJECT_DIR / "models" / "marts" / "semantic"
TOKENS_FILE = "api_tokens.json"
MART_YAML = PROJECT_DIR / "models" / "marts" / AUDIENCE / f"_{AUDIENCE}__models.yml"
META_FIELDS = ("owner", "tier", "formula", "grain", "refresh", "target", "target_direction", "personas", "signal")


class ApiError(Exception):
    """A question the API refuses; `status` is the HTTP status (400 unknown, 403 not for this audience)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Source:
    """One published mart column that carries a metric, and how that mart is cut."""

    mart: str  # the unversioned view in the file, e.g. feature_usage_weekly
    column: str
    time_dimension: str | None
    grain: str  # week, or all (no time dimension)
    dimensions: tuple[str, ...]
    people: tuple[str, ...]  # the columns saying how many people a row describes (each >= min_group_size)

    def describe(self) -> dict:
        return {
            "mart": self.mart,
            "column": self.column,
            "grain": self.grain,
            "time_dimension": self.time_dimension,
            "dimensions": list(self.dimensions),
        }


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    type: str
    meta: dict
    sources: tuple[Source, ...] = field(default_factory=tuple)

    def describe(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "type": self.type,
            **{k: self.meta.get(k) for k in META_FIELDS},
            "sources": [s.describe() for s in self.sources],
        }


def group_size_columns() -> dict[str, tuple[str, ...]]:
    """Per product mart, the columns its YAML marks `range: group_size`: the people a row describes, which the
    publishing gate holds at min_group_size or more."""
    models = yaml.safe_load(MART_YAML.read_text())["models"]
    return {
        model["name"]: tuple(
            c["name"] for c in model["columns"] if c.get("config", {}).get("meta", {}).get("range") == "group_size"
        )
        for model in models
    }


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f'describe "{view}"').fetchall()]


def product_metrics(product_file: Path) -> dict[str, Metric]:
    """The metrics whose mart columns the product file publishes, read from the semantic layer's YAML: worked
    out once per published version (the stable path resolves to a new version folder at each publish), not
    on every request."""
    return _metrics_of(product_file.resolve())


@lru_cache(maxsize=4)
def _metrics_of(product_file: Path) -> dict[str, Metric]:
    marts = {name.rsplit("_v", 1)[0]: name for name in json.loads(AUDIENCES.read_text())[AUDIENCE]}
    definitions = [
        m for path in sorted(METRICS.glob("_metrics__*.yml")) for m in yaml.safe_load(path.read_text())["metrics"]
    ]
    claimed: dict[str, dict[str, list[str]]] = {}
    for definition in definitions:
        for mart_column in definition["config"]["meta"].get("mart_columns", []):
            mart, column = mart_column.split(".")
            if mart in marts.values():
                claimed.setdefault(definition["name"], {}).setdefault(mart.rsplit("_v", 1)[0], []).append(column)
    measures = {column for by_mart in claimed.values() for columns in by_mart.values() for column in columns}
    people_columns = group_size_columns()
    con = duckdb.connect(str(product_file), read_only=True)
    try:
        # A file published before a mart existed has no such view: its metrics have no source there.
        present = {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
        shapes = {view: _columns(con, view) for view in marts if view in present}
    finally:
        con.close()
    metrics = {}
    for definition in definitions:
        if definition["name"] not in claimed:
            continue
        sources = []
        for view, columns in sorted(claimed[definition["name"]].items()):
            if view not in shapes:
                continue
            shape = shapes[view]
            times = [n for n, kind in shape if kind == "DATE"]
            people = people_columns.get(view, ())
            dims = tuple(n for n, _ in shape if n not in measures and n not in times and n not in people)
            for column in columns:
                grain = "week" if times else "all"
                sources.append(Source(view, column, times[0] if times else None, grain, dims, people))
        if not sources:
            continue
        meta = definition["config"]["meta"]
        metrics[definition["name"]] = Metric(
            definition["name"],
            definition.get("label", definition["name"]),
            definition.get("description", ""),
            definition["type"],
            meta,
            tuple(sources),
        )
    return metrics


@dataclass(frozen=True)
class Question:
    metric: str
    grain: str | None = None
    group_by: tuple[str, ...] | None = None
    where: tuple[tuple[str, str], ...] = ()
    start: date | None = None
    end: date | None = None
    source: str | None = None  # a mart, when the metric is published by several at the same cut


def _source(metric: Metric, question: Question) -> Source:
    """The published cut that answers the question as asked, or why none does."""
    filtered = {dimension for dimension, _ in question.where}
    fits = [
        s
        for s in metric.sources
        if (question.source is None or s.mart == question.source)
        and (question.grain is None or s.grain == question.grain)
        and (question.group_by is None or set(question.group_by) == set(s.dimensions))
    ]
    # Several marts may publish a metric: one that can apply the filters asked for, then the most detailed.
    fits = sorted(fits, key=lambda s: (not filtered <= set(s.dimensions), -len(s.dimensions), s.mart))
    if not fits:
        offered = "; ".join(f"{s.mart}: grain {s.grain}, by {', '.join(s.dimensions)}" for s in metric.sources)
        raise ApiError(
            403,
            f"{metric.name} is published to the product audience only as: {offered}. Another grain or a subset "
            "of the dimensions would add rows up, and a total over hidden rows could describe fewer than 3 people",
        )
    return fits[0]


def answer(product_file: Path, metrics: dict[str, Metric], question: Question, min_people: int) -> dict:
    metric = metrics.get(question.metric)
    if metric is None:
        raise ApiError(404, f"no metric {question.metric!r} for the product audience (GET /metrics lists them)")
    source = _source(metric, question)
    for dimension, _ in question.where:
        if dimension not in source.dimensions:
            raise ApiError(
                403,
                f"cannot filter on {dimension!r}: the product audience's {source.mart} is cut by "
                f"{', '.join(source.dimensions)} only; a filter on anything else would narrow groups below "
                f"{min_people} people",
            )
    if (question.start or question.end) and source.time_dimension is None:
        raise ApiError(400, f"{source.mart} has no time dimension (grain all): drop start and end")
    conditions, params = [], []
    for dimension, value in question.where:
        conditions.append(f'cast("{dimension}" as varchar) = ?')
        params.append(value)
    if question.start:
        conditions.append(f'"{source.time_dimension}" >= ?')
        params.append(question.start)
    if question.end:
        conditions.append(f'"{source.time_dimension}" <= ?')
        params.append(question.end)
    keys = [c for c in (source.time_dimension, *source.dimensions) if c]
    selected = [*keys, source.column, *(p for p in source.people if p != source.column)]
    # Identifiers come from the file's own schema (never from the request); values are bound parameters.
    columns = ", ".join(f'"{c}"' for c in selected)
    order = ", ".join(f'"{c}"' for c in keys)
    where = f" where {' and '.join(conditions)}" if conditions else ""
    sql = f'select {columns} from "{source.mart}"{where} order by {order}'  # noqa: S608
    con = duckdb.connect(str(product_file), read_only=True)
    try:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        version = con.execute("select version from publish_info").fetchone()[0]
    finally:
        con.close()
    if any((r[p] or 0) < min_people for r in rows for p in source.people):
        raise ApiError(403, f"an answer row describes fewer than {min_people} people; refused")
    return {
        "metric": metric.name,
        "source": source.describe(),
        "published_version": version,
        "min_people": min_people,
        "rows": [
            {
                **({"period": str(r[source.time_dimension])} if source.time_dimension else {}),
                "dimensions": {d: r[d] for d in source.dimensions},
                "value": r[source.column],
                **({"people": min(r[p] for p in source.people)} if source.people else {}),
            }
            for r in rows
        ],
    }


# Tokens: one per consumer, each for one audience; only their hash is kept.


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(paths: Paths, audience: str, name: str) -> str:
    path = paths.home / TOKENS_FILE
    tokens = json.loads(path.read_text()) if path.exists() else {"tokens": []}
    token = secrets.token_urlsafe(32)
    tokens["tokens"].append({"sha256": _digest(token), "audience": audience, "name": name})
    paths.home.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokens, indent=2))
    path.chmod(0o600)
    return token


def audience_of(paths: Paths, token: str | None) -> str | None:
    path = paths.home / TOKENS_FILE
    if not token or not path.exists():
        return None
    digest = _digest(token)
    for entry in json.loads(path.read_text())["tokens"]:
        if secrets.compare_digest(entry["sha256"], digest):
            return entry["audience"]
    return None

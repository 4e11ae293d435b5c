"""The published marts as the dbt project describes them, and the files derived from that description.

The mart YAML beside each SQL file is the one description of a mart: its versions, grain (the `unique_key`
test), columns, types and, in each column's `meta`, the value rule the publishing gate checks:

- ``range: non_negative`` (>= 0), ``range: rate`` (in [0, 1]), ``range: group_size`` (>= the
  `min_group_size` var: a k-anonymity floor);
- ``accepted_values: [...]``;
- a model's ``meta.never_empty: true``: any data at all gives it rows.

`ai-telemetry catalog` writes from it one Great Expectations suite per published mart version into
``expectations/`` and the audience inventory (``orchestration/audiences.json``: the folder each mart lives in
names its audience); ``catalog --check`` fails when either is stale. Grain and keys are dbt's tests, value
rules the suites': no check is in both gates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AUDIENCES_FILE = Path(__file__).with_name("audiences.json")
RANGES: dict[str, dict[str, Any]] = {"non_negative": {"min_value": 0}, "rate": {"min_value": 0, "max_value": 1}}
MAX_ROWS = 50_000_000  # far above any organisation: a runaway join, not growth


@dataclass(frozen=True)
class PublishedMart:
    relation: str  # the versioned relation, e.g. team_weekly_v2
    audience: str
    columns: dict[str, dict[str, Any]]  # name -> {"data_type", "meta"}
    never_empty: bool


def published_marts(manifest: dict) -> list[PublishedMart]:
    """Every version of every mart that carries an audience, in relation order."""
    marts = []
    for node in manifest["nodes"].values():
        audience = node.get("config", {}).get("meta", {}).get("audience")
        if node["resource_type"] != "model" or node.get("version") is None or not audience:
            continue
        columns = {
            name: {"data_type": column.get("data_type"), "meta": column.get("config", {}).get("meta") or {}}
            for name, column in node["columns"].items()
        }
        never_empty = bool(node["config"]["meta"].get("never_empty"))
        marts.append(PublishedMart(node["alias"], audience, columns, never_empty))
    return sorted(marts, key=lambda m: m.relation)


def audiences(marts: list[PublishedMart]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for mart in marts:
        found.setdefault(mart.audience, []).append(mart.relation)
    return dict(sorted(found.items()))


def _expectation(kind: str, **kwargs: Any) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def _bounds(rule: str, min_group_size: int, where: str) -> dict[str, Any]:
    if rule == "group_size":
        return {"min_value": min_group_size}
    if rule not in RANGES:
        raise ValueError(f"{where}: unknown range {rule!r} (group_size, {', '.join(RANGES)})")
    return RANGES[rule]


def suite_for(mart: PublishedMart, min_group_size: int) -> dict:
    """The mart's Great Expectations suite: row-count bounds and each column's value rule."""
    expectations = [
        _expectation("expect_table_row_count_to_be_between", min_value=1 if mart.never_empty else 0, max_value=MAX_ROWS)
    ]
    for name, column in mart.columns.items():
        meta = column["meta"]
        if "range" in meta:
            bounds = _bounds(meta["range"], min_group_size, f"{mart.relation}.{name}")
            expectations.append(_expectation("expect_column_values_to_be_between", column=name, **bounds))
        if "accepted_values" in meta:
            expectations.append(
                _expectation("expect_column_values_to_be_in_set", column=name, value_set=list(meta["accepted_values"]))
            )
    return {"name": mart.relation, "expectations": expectations, "meta": {"generated_by": "ai-telemetry catalog"}}


def derived_files(manifest: dict, project_dir: Path, min_group_size: int) -> dict[Path, str]:
    """The suites and the audience inventory, as the catalog step writes them."""
    marts = published_marts(manifest)
    files = {
        project_dir / "expectations" / f"{mart.relation}.json": json.dumps(suite_for(mart, min_group_size), indent=2)
        + "\n"
        for mart in marts
    }
    files[project_dir / "orchestration" / AUDIENCES_FILE.name] = json.dumps(audiences(marts), indent=2) + "\n"
    return files


def load_audiences() -> dict[str, tuple[str, ...]]:
    """The audience inventory every publishing step reads (generated; see the module docstring)."""
    return {audience: tuple(marts) for audience, marts in json.loads(AUDIENCES_FILE.read_text()).items()}

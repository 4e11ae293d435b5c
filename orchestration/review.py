"""`ai-telemetry review`: what a change does to the models, the marts and the metric values.

Both commits are checked out as git worktrees and built (`dbt seed` + `dbt run`) on copies of one
warehouse, loaded once from one generated sample, so every difference in the report comes from the change.
The report lists:

- models, seeds and macros whose code changed (manifest checksums), and the versioned-mart contract check;
- metrics whose definition changed (catalog fingerprints), were added or removed, plus metrics whose
  definition did not change but whose values did because a model they read changed;
- schema differences and row-count differences of every relation dbt built;
- for each changed metric, its values before and after by day (or week) and team, largest changes first,
  queried through MetricFlow (`mf query`) in each worktree, so the report shows what readers will get.

Unchanged metrics are not listed. Diffing is done over DuckDB rather than with Recce: see docs/review.md.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.catalog import build_catalog, definition_changes, mart_version_problems
from orchestration.dbt import layers, run_dbt
from orchestration.paths import HOME_ENV_VAR, PROJECT_DIR

SIDES = ("base", "head")
DBT_SCHEMAS = layers()
TOP_ROWS = 15
TIME_GRAINS = ("day", "week", "month")


@dataclass(frozen=True)
class ReviewConfig:
    base: str
    head: str
    out: Path
    work: Path
    developers: int = 12
    days: int = 14
    seed: int = 7
    repo: Path = PROJECT_DIR  # the git repository the refs belong to


@dataclass
class Side:
    name: str
    sha: str
    source: Path  # the worktree
    home: Path  # its AI_TELEMETRY_HOME

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        return {**os.environ, HOME_ENV_VAR: str(self.home), "DBT_PROFILES_DIR": str(self.source / "profiles")}


class ReviewError(Exception):
    pass


def _git(*args: str, cwd: Path = PROJECT_DIR) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReviewError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _call(side: Side, *command: str) -> subprocess.CompletedProcess:
    """A command in the side's worktree with its environment; the caller judges the exit code."""
    return subprocess.run(command, cwd=side.source, env=side.env(), capture_output=True, text=True, check=False)


def _run(side: Side, *command: str) -> str:
    result = _call(side, *command)
    if result.returncode != 0:
        raise ReviewError(f"{side.name} ({side.sha[:8]}): {' '.join(command[:3])} failed:\n{result.stdout[-4000:]}")
    return result.stdout


# ------------------------------------------------------------------------------------------- building


def prepare_sample(config: ReviewConfig) -> Path:
    """One generated sample, loaded once: both sides start from a copy of this raw warehouse."""
    from orchestration.generator import GenerateConfig, generate
    from orchestration.loader import load

    sample = config.work / f"sample-{config.developers}x{config.days}-seed{config.seed}"
    raw = sample / "raw.duckdb"
    if not raw.exists():
        shutil.rmtree(sample, ignore_errors=True)
        generate(
            GenerateConfig(out=sample / "landing", developers=config.developers, days=config.days, seed=config.seed)
        )
        load(sample / "landing", sample / "loading.duckdb")
        (sample / "loading.duckdb").rename(raw)
    return raw


def checkout(config: ReviewConfig, name: str, ref: str) -> Side:
    sha = _git("rev-parse", "--verify", f"{ref}^{{commit}}", cwd=config.repo)
    source = config.work / name / "src"
    if source.exists():
        _git("worktree", "remove", "--force", str(source), cwd=config.repo)
    shutil.rmtree(config.work / name, ignore_errors=True)
    _git("worktree", "prune", cwd=config.repo)
    _git("worktree", "add", "--detach", "--quiet", str(source), sha, cwd=config.repo)
    return Side(name=name, sha=sha, source=source, home=config.work / name / "home")


def build(side: Side, raw: Path) -> None:
    side.home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(raw, side.warehouse)
    for command in ("seed", "run"):  # tests are the PR's CI job; the review is about numbers
        result = run_dbt(command, home=side.home, project_dir=side.source, target=side.source / "target", capture=True)
        if result.returncode != 0:
            raise ReviewError(f"{side.name} ({side.sha[:8]}): dbt {command} failed:\n{result.stdout[-4000:]}")
    # Kept beside the warehouse after the worktree goes, for anyone who wants to dig further (or run Recce).
    (side.home / "target").mkdir(exist_ok=True)
    for artifact in ("manifest.json", "semantic_manifest.json", "run_results.json"):
        if (side.source / "target" / artifact).exists():
            shutil.copy(side.source / "target" / artifact, side.home / "target" / artifact)


def manifests(side: Side) -> tuple[dict, dict]:
    target = side.source / "target"
    semantic_path = target / "semantic_manifest.json"
    semantic = (
        json.loads(semantic_path.read_text()) if semantic_path.exists() else {"metrics": [], "semantic_models": []}
    )
    return json.loads((target / "manifest.json").read_text()), semantic


# -------------------------------------------------------------------------------------------- diffing


def changed_nodes(base: dict, head: dict) -> dict[str, list[str]]:
    """Models, seeds and macros added, removed or modified, by checksum (macros by their SQL)."""

    def code(manifest: dict) -> dict[str, str]:
        nodes = {
            f"{n['resource_type']} {n['name']}" + (f" v{n['version']}" if n.get("version") is not None else ""): n[
                "checksum"
            ]["checksum"]
            for n in manifest["nodes"].values()
            if n["resource_type"] in ("model", "seed", "snapshot")
        }
        macros = {
            f"macro {m['name']}": m["macro_sql"]
            for m in manifest["macros"].values()
            if m["package_name"] == manifest["metadata"]["project_name"]
        }
        return {**nodes, **macros}

    before, after = code(base), code(head)
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "modified": sorted(k for k in set(before) & set(after) if before[k] != after[k]),
    }


def build_snapshots(manifest: dict) -> set[str]:
    """Relations that describe the build itself (e.g. the catalog mid-build): they differ between any two builds."""
    return {
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and (node["config"].get("meta") or {}).get("describes_the_build")
    }


def touched(manifest: dict, nodes: dict[str, list[str]]) -> set[str]:
    """Models and seeds whose output may have changed: changed themselves, or calling a changed macro."""
    changed = nodes["added"] + nodes["modified"]
    names = {entry.split(" ")[1] for entry in changed if entry.startswith(("model", "seed"))}
    project = manifest["metadata"]["project_name"]
    macros = {f"macro.{project}.{entry.split(' ')[1]}" for entry in changed if entry.startswith("macro")}
    names |= {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and macros & set(node["depends_on"].get("macros") or [])
    }
    return names


def relations(warehouse: Path) -> dict[str, dict[str, str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns "
            "where table_schema in (select unnest(?)) order by table_schema, table_name, ordinal_position",
            [list(DBT_SCHEMAS)],
        ).fetchall()
    finally:
        con.close()
    found: dict[str, dict[str, str]] = {}
    for relation, column, data_type in rows:
        found.setdefault(relation, {})[column] = data_type
    return found


def row_counts(warehouse: Path, names: list[str]) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = {}
        for name in names:
            schema, table = name.split(".", 1)
            # Identifiers come from information_schema, quoted: nothing user-typed reaches this SQL.
            counts[name] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]  # noqa: S608
        return counts
    finally:
        con.close()


def schema_diff(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    lines = [f"- `{r}`: added ({len(after[r])} columns)" for r in sorted(set(after) - set(before))]
    lines += [f"- `{r}`: removed" for r in sorted(set(before) - set(after))]
    for relation in sorted(set(before) & set(after)):
        old, new = before[relation], after[relation]
        parts = [f"+ `{c}` {t}" for c, t in new.items() if c not in old]
        parts += [f"- `{c}` {t}" for c, t in old.items() if c not in new]
        parts += [f"`{c}` {old[c]} → {new[c]}" for c in old if c in new and old[c] != new[c]]
        if parts:
            lines.append(f"- `{relation}`: " + "; ".join(parts))
    return lines


# -------------------------------------------------------------------------------------------- metrics


Values = dict[tuple[str, ...], float | None]


def metric_values(side: Side, metric: str, cache: Path) -> tuple[list[str], Values] | None:
    """The metric by time and team, through MetricFlow in the side's worktree; None when it does not exist."""
    mf = _tool("mf")
    listed = _call(side, mf, "list", "dimensions", "--metrics", metric)
    if listed.returncode != 0:
        return None
    dimensions = [line[2:].strip() for line in listed.stdout.splitlines() if line.startswith("• ")]
    team = next((d for d in dimensions if d.endswith("__team")), None)
    for grain in TIME_GRAINS:
        group_by = [f"metric_time__{grain}", *([team] if team else [])]
        out = cache / f"{side.name}-{metric}-{grain}.csv"
        result = _call(side, mf, "query", "--metrics", metric, "--group-by", ",".join(group_by), "--csv", str(out))
        if result.returncode == 0 and out.exists():
            with out.open() as handle:
                rows = list(csv.reader(handle))
            header, body = rows[0], rows[1:]
            values = {tuple(row[:-1]): float(row[-1]) if row[-1] not in ("", "None") else None for row in body}
            return header[:-1], values
    return None


def value_table(keys: list[str], before: Values, after: Values) -> tuple[list[str], float]:
    """Rows whose value changed, largest absolute change first; and the largest change."""
    changes = []
    for key in set(before) | set(after):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append((abs((new or 0.0) - (old or 0.0)), key, old, new))
    changes.sort(key=lambda c: (-c[0], c[1]))
    header = [*[k.replace("metric_time__", "") for k in keys], "before", "after", "change", "change %"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for _delta, key, old, new in changes[:TOP_ROWS]:
        if new is None or old is None:
            relative = "no value now" if new is None else "new value"
        else:
            relative = f"{new / old - 1:+.1%}" if old else "from 0"
        cells = [k[:10] if k[:4].isdigit() else k for k in key]
        lines.append(
            "| " + " | ".join([*cells, _number(old), _number(new), f"{(new or 0) - (old or 0):+,.4g}", relative]) + " |"
        )
    if len(changes) > TOP_ROWS:
        lines.append(f"\n{len(changes) - TOP_ROWS} more changed rows not shown.")
    return lines, changes[0][0] if changes else 0.0


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4g}"


# --------------------------------------------------------------------------------------------- report


def run_review(config: ReviewConfig) -> int:
    config.work.mkdir(parents=True, exist_ok=True)
    sides: list[Side] = []
    try:
        raw = prepare_sample(config)
        for name, ref in zip(SIDES, (config.base, config.head), strict=True):
            side = checkout(config, name, ref)
            sides.append(side)
            print(f"building {name} at {side.sha[:10]} ...", flush=True)
            build(side, raw)
        report = compare(config, sides[0], sides[1])
    except ReviewError as error:
        print(f"review failed: {error}", file=sys.stderr)
        return 1
    finally:
        for side in sides:
            subprocess.run(["git", "worktree", "remove", "--force", str(side.source)], cwd=config.repo, check=False)
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(report)
    print(f"review report: {config.out}")
    return 0


def compare(config: ReviewConfig, base: Side, head: Side) -> str:
    base_manifest, base_semantic = manifests(base)
    head_manifest, head_semantic = manifests(head)
    nodes = changed_nodes(base_manifest, head_manifest)
    base_catalog = build_catalog(base_manifest, base_semantic) if base_semantic["metrics"] else None
    head_catalog = build_catalog(head_manifest, head_semantic)
    before_metrics = base_catalog.metrics if base_catalog else {}
    after_metrics = head_catalog.metrics
    redefined = sorted(
        m
        for m in set(before_metrics) & set(after_metrics)
        if before_metrics[m].fingerprint != after_metrics[m].fingerprint
    )
    added = sorted(set(after_metrics) - set(before_metrics))
    removed = sorted(set(before_metrics) - set(after_metrics))
    touched_models = touched(head_manifest, nodes)
    # A metric reads a changed model when that model, or a model upstream of it, is in its lineage.
    upstream = sorted(
        m
        for m in set(before_metrics) & set(after_metrics)
        if m not in redefined and after_metrics[m].models & touched_models
    )
    contract = mart_version_problems(base_catalog.marts if base_catalog else {}, head_catalog.marts, date.today())

    before_schema, after_schema = relations(base.warehouse), relations(head.warehouse)
    snapshots = build_snapshots(head_manifest)
    common = sorted(set(before_schema) & set(after_schema) - snapshots)
    counts_before, counts_after = row_counts(base.warehouse, common), row_counts(head.warehouse, common)

    cache = config.work / "values"
    cache.mkdir(exist_ok=True)
    sections: list[tuple[float, str, list[str]]] = []
    for metric in [*redefined, *added, *removed, *upstream]:
        old = metric_values(base, metric, cache) if metric in before_metrics else None
        new = metric_values(head, metric, cache) if metric in after_metrics else None
        keys = (new or old or ([], {}))[0]
        if old and new and old[0] != new[0]:  # a different grain or team dimension: compare totals only
            old = (["total"], {("all",): sum(v or 0.0 for v in old[1].values())})
            new = (["total"], {("all",): sum(v or 0.0 for v in new[1].values())})
            keys = ["total"]
        table, largest = value_table(keys, old[1] if old else {}, new[1] if new else {})
        if metric in upstream and largest == 0:
            continue  # read a changed model, but its numbers did not move: unchanged, not listed
        if metric in redefined:
            changes = definition_changes(before_metrics[metric].definition, after_metrics[metric].definition)
            why = "definition changed: " + "; ".join(changes)
        elif metric in added:
            why = "new metric"
        elif metric in removed:
            why = "metric removed"
        else:
            why = "definition unchanged; values moved because a model it reads changed"
        meta = (after_metrics.get(metric) or before_metrics[metric]).meta
        head_line = f"### `{metric}` ({meta.get('tier')}, owner {meta.get('owner')})"
        sections.append((largest, metric, [head_line, "", why, "", *table, ""]))
    sections.sort(key=lambda s: (-s[0], s[1]))

    lines = [
        f"# Review: {config.base} ({base.sha[:10]}) → {config.head} ({head.sha[:10]})",
        "",
        f"Both commits built with `dbt seed` + `dbt run` on the same generated sample ({config.developers} developers "
        f"× {config.days} days, seed {config.seed}). Metric values come from MetricFlow in each commit.",
        "",
        "## Summary",
        "",
        f"- models, seeds and macros: {len(nodes['modified'])} modified, {len(nodes['added'])} added, "
        f"{len(nodes['removed'])} removed",
        f"- metrics: {len(redefined)} redefined, {len(added)} added, {len(removed)} removed, "
        f"{sum(1 for s in sections if s[1] in upstream)} with values moved by a model change",
        f"- mart contracts: {'ok' if not contract else f'{len(contract)} problem(s)'}",
        "",
        "## Models changed",
        "",
    ]
    for kind in ("modified", "added", "removed"):
        lines += [f"- {kind}: " + ", ".join(f"`{n}`" for n in nodes[kind])] if nodes[kind] else []
    if not any(nodes.values()):
        lines.append("None.")
    lines += ["", "## Mart contracts", ""]
    lines += [f"- {p}" for p in contract] or ["Every published mart version keeps its columns."]
    lines += ["", "## Schema differences", ""]
    lines += schema_diff(before_schema, after_schema) or ["None."]
    lines += ["", "## Row-count differences", ""]
    differing = [r for r in common if counts_before[r] != counts_after[r]]
    if differing:
        lines += ["| relation | before | after | change |", "| --- | --- | --- | --- |"]
        for relation in sorted(differing, key=lambda r: -abs(counts_after[r] - counts_before[r])):
            b, a = counts_before[relation], counts_after[relation]
            lines.append(f"| `{relation}` | {b:,} | {a:,} | {a - b:+,} |")
    else:
        lines.append(f"None: all {len(common)} relations built on both sides have the same row counts.")
    if snapshots:
        names = ", ".join(f"`{r}`" for r in sorted(snapshots))
        lines += ["", f"Not compared: {names} describe the build itself (meta `describes_the_build`)."]
    lines += ["", "## Metrics changed", ""]
    if sections:
        lines.append("Largest change first; within a metric, the rows that changed most first.")
        lines.append("")
        for _, _, body in sections:
            lines += body
    else:
        lines.append("None: every metric's definition and values are unchanged.")
    return "\n".join(lines) + "\n"

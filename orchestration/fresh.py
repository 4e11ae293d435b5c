"""The fresh path: a new transcript line in its developer's published file within seconds.

The full run (load, `dbt build` of everything with its tests, the whole gate, every file published) takes
minutes. A developer's numbers need only a part of it, so between full runs the `fresh_developer_files`
sensor runs this:

1. the incremental load (only new lines);
2. `dbt build` of the developer marts and what they are built from, tables only (views read the raw tables
   live and seeds are as they were; the same project as the last full build, or this step includes them);
   data tests are the full run's;
3. the gate on what changed: the Great Expectations suites of the developer marts and the two that check
   them against the staged rows (token reconciliation, plausibility);
4. a publish of a new version in which only the developers whose rows changed get a new file; every other
   file is the current version's, hard-linked.

Team, org, product and platform files move at the next full run: aggregates over people are not worth a
minute-by-minute rewrite, and their gates (suppression, reconciliation across marts) need the whole build.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.dbt import run_dbt
from orchestration.listing import project_state
from orchestration.paths import PROJECT_DIR, Paths
from orchestration.state_files import read_state, write_state

DEVELOPER_MARTS = "+path:models/marts/developer"
# The computed suites that check the developer marts against staged rows.
FRESH_COMPUTED_SUITES = ("reconciliation_tokens", "plausibility")
STATE_FILE = "fresh_state.json"


class FreshError(Exception):
    """A step of the fresh path failed; nothing was published. The message says which and why."""


@dataclass
class FreshResult:
    rows_loaded: int = 0
    version: str | None = None  # the published version, when one was published
    developers: list[str] = field(default_factory=list)  # whose files it rewrote
    seconds: dict[str, float] = field(default_factory=dict)  # per step
    skipped: str | None = None  # why nothing was published

    def describe(self) -> str:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        if self.skipped:
            return f"fresh path: {self.skipped} ({steps})"
        return (
            f"fresh path: {self.rows_loaded:,} new rows, {len(self.developers)} developer file(s) published as "
            f"version {self.version} ({steps})"
        )


def remember_full_build(paths: Paths) -> None:
    """Called after a full build: the project as it was built, so the fresh path knows views and seeds are
    current while the project stays the same."""
    write_state(paths.home / STATE_FILE, {"project": project_state(PROJECT_DIR)})


def developer_marts_build(home: Path, tables_only: bool, target: Path | None = None) -> subprocess.CompletedProcess:
    """`dbt build` of the developer marts and what they are built from, in a data home: no data or unit tests
    (those gate publishing, in the full run and `make test`), no relation cache up front (filling it lists
    every table of the warehouse) and no JSON artefacts. `tables_only` when the project is the one last built
    in full: views read the raw tables live and seeds are as they were, so only the tables are rebuilt. The
    fresh path and the local mode both build this way."""
    return run_dbt(
        "build",
        "--select",
        DEVELOPER_MARTS,
        "--exclude",
        "test_type:data",
        "test_type:unit",
        *(["resource_type:seed", "config.materialized:view"] if tables_only else []),
        "--no-populate-cache",
        "--no-write-json",
        home=home,
        target=target,
        capture=True,
    )


def build_developer_marts(paths: Paths) -> subprocess.CompletedProcess:
    """The fresh path's build (its own dbt target folder, beside the full run's)."""
    same_project = read_state(paths.home / STATE_FILE).get("project") == project_state(PROJECT_DIR)
    return developer_marts_build(paths.home, tables_only=same_project, target=paths.home / "dbt_target_fresh")


def refresh_developer_files(paths: Paths) -> FreshResult:
    """Load what is new, build and gate the developer marts, publish the developers whose rows changed."""
    from orchestration.loader import load
    from orchestration.publish import AUDIENCES, publish_subjects, record_outcome
    from orchestration.quality import gx_context_in_background, run_gate

    result = FreshResult()

    def timed(step: str, started: float) -> None:
        result.seconds[step] = time.perf_counter() - started

    started = time.perf_counter()
    summary = load(paths.landing, paths.warehouse, measure_storage=False)
    timed("load", started)
    result.rows_loaded = summary.rows_loaded
    if summary.rows_loaded == 0 and sum(s.rows_retracted for s in summary.sources.values()) == 0:
        result.skipped = "no new rows"
        return result
    # Opened while dbt builds in its subprocess: in a new process (each Dagster run) GX's import alone is 3-4 s.
    context = gx_context_in_background(paths)
    started = time.perf_counter()
    build = build_developer_marts(paths)
    timed("build", started)
    if build.returncode != 0:
        raise FreshError(f"dbt could not build the developer marts; nothing published:\n{build.stdout[-3000:]}")
    started = time.perf_counter()
    try:
        opened = context.result()
    except Exception as error:  # whatever GX raised: the gate cannot run, so nothing may be published
        problem = f"the gate could not open its Great Expectations project; nothing published: {error}"
        raise FreshError(problem) from error
    gate = run_gate(paths, marts={*AUDIENCES["developer"], *FRESH_COMPUTED_SUITES}, data_docs=False, context=opened)
    timed("gate", started)
    if not gate.passed:
        failed = [f"{f.suite}: {f.expectation} on {f.column}" for f in gate.failures]
        record_outcome(
            paths.warehouse, f"held-fresh-{int(time.time())}", "failed", failed, {}, audiences=("developer",)
        )
        raise FreshError("the developer marts failed the gate; nothing published: " + "; ".join(failed))
    started = time.perf_counter()
    published = publish_subjects(paths, "developer")
    timed("publish", started)
    if published is None:
        result.skipped = "no developer's rows changed (or nothing was published yet: the full run publishes first)"
        return result
    refreshed = json.loads((published.folder / "manifest.json").read_text())["refreshed"]
    result.version, result.developers = published.version, refreshed["subjects"]
    counts = {"developer": {"files": len(published.files["developer"])}}
    counts["developer"].update({m: published.row_counts.get(m, 0) for m in AUDIENCES["developer"]})
    record_outcome(
        paths.warehouse, published.version, "passed", [], counts, commit=published.git_commit, audiences=("developer",)
    )
    return result


def watch(paths: Paths, interval: float, stop_after: float | None = None) -> None:
    """The sensor's loop without Dagster: every `interval` seconds, when the landing folder changed, the fresh
    path (a failed step is printed, and the next change tries again)."""
    from orchestration.landing import landing_files, landing_fingerprint

    seen = None
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        fingerprint = landing_fingerprint(landing_files(paths))
        if fingerprint != seen:
            seen = fingerprint
            try:
                print(refresh_developer_files(paths).describe(), flush=True)
            except FreshError as error:
                print(f"fresh path failed: {error}", flush=True)
        time.sleep(interval)

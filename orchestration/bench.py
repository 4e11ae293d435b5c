"""`ai-telemetry bench`: the whole pipeline measured on generated organisations of given sizes, every figure
beside a baseline measured in the same run (shared machines are noisy: read the ratios).

Per size: generation; per source, DuckDB's bare scan of its files (best of 3), the floor (its lines stored
unparsed in a DuckDB file) and the loader alone on it (each the best of `rounds`, each round taking every
source in turn), as ratios and MB/s; the load of every source; the full dbt build and the gate after it (a
home's first gate creates its GX objects: `gate_first_s`); about 1% more transcript lines (new people's
sessions) loaded and built incrementally; the same project built on a warehouse with no rows (the floor of
any whole-project build, beside the incremental build); the gate again (`gate_s`, as after every later
build); the publish; the gate's Data Docs, rendered after it as the pipeline does (`data_docs_s`); peak RSS
(this process and dbt's); the warehouse's and the published files' sizes.
Targets (issue 15) are checked and printed.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from orchestration.memory_watch import MemoryWatch
from orchestration.paths import PROJECT_DIR, Paths

LINES_PER_DEVELOPER = 2_500  # transcript lines a generated developer writes in 120 days (measured)
DAYS = 120
FRESHNESS_APPENDS = 20  # new sessions written at random moments
FRESHNESS_TARGET_S = 30  # p95 from a line written to its developer's published file (issue 15)
# The steps a pipeline run takes (the peak RSS target is theirs); the rest are the bench's baselines.
PIPELINE_PHASES = (
    "load_all", "build_full", "gate_first", "load_incremental", "build_fresh", "build_incremental", "gate", "publish",
    "data_docs",
)  # fmt: skip
SOURCE_SCANS = {
    # source folder: (file pattern, the DuckDB reader that scans it without parsing more than it must)
    "claude_code": ("**/*.jsonl", "select count(*), sum(strlen(json::varchar)) from read_ndjson_objects(?)"),
    "otel": ("**/*.jsonl", "select count(*), sum(strlen(json::varchar)) from read_ndjson_objects(?)"),
    "cursor/usage_events": ("*.csv", "select count(*), 0 from read_csv(?, all_varchar = true)"),
}


@dataclass
class SizeResult:
    target_lines: int
    developers: int
    figures: dict[str, float] = field(default_factory=dict)
    sources: dict[str, dict[str, float]] = field(default_factory=dict)
    targets: dict[str, bool] = field(default_factory=dict)
    memory: dict[str, dict[str, float]] = field(default_factory=dict)  # phase: its PhasePeak, in MiB
    slowest: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # dbt build: its slowest nodes


def nearest_rank(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def scan_and_floor(landing: Path, source: str, work: Path) -> dict[str, float]:
    """The bare scan (best of 3) and the unparsed-store floor (once) of one source's files."""
    pattern, scan_sql = SOURCE_SCANS[source]
    files = str(landing / source / pattern)
    con = duckdb.connect()
    scans = [timed(lambda: con.execute(scan_sql, [files]).fetchone()) for _ in range(3)]
    con.close()
    scan_seconds, (lines, _) = min(scans, key=lambda s: s[0])
    return {"lines": float(lines), "mb": folder_bytes(landing / source) / 1e6, "bare_scan_s": scan_seconds,
            "floor_s": store_unparsed(landing, source, work)}  # fmt: skip


def store_unparsed(landing: Path, source: str, work: Path) -> float:
    """Seconds to store one source's lines unparsed in a new DuckDB file: the floor of any load of them."""
    pattern, _ = SOURCE_SCANS[source]
    files = str(landing / source / pattern)
    database = work / f"floor-{source.replace('/', '_')}.duckdb"
    database.unlink(missing_ok=True)
    reader = "read_ndjson_objects(?, filename = true)" if pattern.endswith("jsonl") else None

    def store() -> None:
        floor = duckdb.connect(str(database), config={"preserve_insertion_order": False})
        if reader:
            floor.execute("create table lines (filename varchar, line varchar using compression zstd)")
            floor.execute(f"insert into lines select filename, json from {reader}", [files])  # noqa: S608
        else:
            floor.execute("create table lines as select * from read_csv(?, all_varchar = true)", [files])
        floor.close()

    seconds, _ = timed(store)
    return seconds


def load_alone(landing: Path, source: str, work: Path) -> float:
    """Seconds for the loader to load one source's files into a new warehouse."""
    from orchestration.loader import load

    alone = work / f"alone-{source.replace('/', '_')}"
    (alone / source).parent.mkdir(parents=True, exist_ok=True)
    if not (alone / source).is_symlink():
        (alone / source).symlink_to(landing / source)
    warehouse = work / f"alone-{source.replace('/', '_')}.duckdb"
    warehouse.unlink(missing_ok=True)
    seconds, _ = timed(lambda: load(alone, warehouse, measure_storage=False))
    return seconds


def floors_and_loads(
    landing: Path,
    sources: list[str],
    work: Path,
    rounds: int,
    phase: Callable[[str], AbstractContextManager[object]] = lambda _: nullcontext(),
) -> dict[str, dict[str, float]]:
    """Per source: the bare scan, and the best of `rounds` floors and loads. Rounds run across the sources
    (round 1 scans, stores and loads each source in turn, each later round stores and loads each again), so
    a source's floor and load see the machine as it is then, and so do the other sources' loads, whose rates
    per MB are compared with it: a busy spell slows one round of every source, not one source's figures.
    `phase(source)` wraps each source's work in a round (the bench's memory phases)."""
    stats: dict[str, dict[str, float]] = {}
    for round_number in range(rounds):
        for source in sources:
            with phase(source):
                if round_number == 0:
                    stats[source] = scan_and_floor(landing, source, work)
                    stats[source]["load_s"] = load_alone(landing, source, work)
                else:
                    stats[source]["floor_s"] = min(stats[source]["floor_s"], store_unparsed(landing, source, work))
                    stats[source]["load_s"] = min(stats[source]["load_s"], load_alone(landing, source, work))
    for source_stats in stats.values():
        source_stats["rounds"] = float(rounds)
    return stats


def add_new_developers(landing: Path, target_lines: int, start: object, work: Path) -> int:
    """About `target_lines` new transcript lines: the ~/.claude folders of more people (a generated slice of the
    same period, another seed), landed beside the others, folder by folder until the lines are reached.
    Returns the lines added."""
    from orchestration.generator import GenerateConfig, generate

    extra = work / "extra"
    generate(GenerateConfig(out=extra, developers=max(6, target_lines // LINES_PER_DEVELOPER + 6), days=DAYS,
                            seed=8, start=start))  # fmt: skip
    added = 0
    for owner in sorted((extra / "claude_code").iterdir()):
        if added >= target_lines:
            break
        shutil.copytree(owner, landing / "claude_code" / f"{owner.name}-new")
        added += sum(f.read_bytes().count(b"\n") for f in owner.rglob("*.jsonl"))
    return added


NODE_KINDS = ("model", "test", "seed", "unit_test")


def dbt_node_times(run_results: Path, slowest: int = 5) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Where a dbt build's time went, from its run_results.json: dbt's own elapsed time, the node time summed over
    its threads per kind of node (models, data tests, seeds, unit tests) with their counts, and its slowest
    nodes. The elapsed time less the summed node time over the thread count is what dbt spent between nodes."""
    results = json.loads(run_results.read_text())
    figures = {"dbt_elapsed_s": float(results["elapsed_time"]), "node_s": 0.0}
    for kind in NODE_KINDS:
        figures[f"{kind}_node_s"] = figures[f"{kind}s"] = 0.0
    for node in results["results"]:
        kind = node["unique_id"].split(".", 1)[0]
        figures["node_s"] += node["execution_time"]
        if kind in NODE_KINDS:
            figures[f"{kind}_node_s"] += node["execution_time"]
            figures[f"{kind}s"] += 1
    ranked = sorted(results["results"], key=lambda node: node["execution_time"], reverse=True)[:slowest]
    return figures, [(node["unique_id"], node["execution_time"]) for node in ranked]


def targets(figures: dict[str, float], sources: dict[str, dict[str, float]]) -> dict[str, bool]:
    """Issue 15's targets for one size, met or not (the peak RSS target is added once memory is known). Each
    source other than transcripts is its own target: one may be met while another is not."""
    transcripts = sources["claude_code"]
    per_mb = {
        f"{source} at least as fast per MB as transcripts": stats["load_mb_per_s"] >= transcripts["load_mb_per_s"]
        for source, stats in sources.items()
        if source != "claude_code"
    }
    return {
        "transcripts load <= 2.5x the unparsed-store floor": transcripts["load_over_floor"] <= 2.5,
        **per_mb,
        "incremental build after 1% new data <= 10% of the full build": figures["build_incremental_s"]
        <= 0.1 * figures["build_full_s"],
        "gate <= 15% of the build": figures["gate_s"] <= 0.15 * figures["build_full_s"],
    }


def build_without_rows(work: Path) -> tuple[float, dict[str, float]]:
    """The floor of any whole-project build: seconds for `dbt build` of the same project on a warehouse whose
    raw tables hold no row (a new home, loaded from an empty landing folder), with its node times. The first
    build there parses the project and runs the unit tests and seeds, as a home's first build does; the second,
    timed one is a later build's like (the incremental build's: no unit tests, seeds, tests on seeds or views).
    What it takes is dbt's per-node work, not data."""
    from orchestration.loader import load
    from orchestration.pipeline import dbt_build

    paths = Paths(work / "no-rows-home")
    paths.landing.mkdir(parents=True, exist_ok=True)
    load(paths.landing, paths.warehouse)
    for attempt in ("first", "timed"):
        seconds, built = timed(lambda: dbt_build(paths))
        if not built:
            raise RuntimeError(f"the {attempt} build without rows failed: see logs under {paths.home}")
    figures, _ = dbt_node_times(paths.home / "dbt_target" / "run_results.json")
    return seconds, figures


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child (dbt), in MiB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


class Figures(dict):
    """The figures of one size, each printed as it is measured (a long run shows its progress)."""

    def __setitem__(self, key: str, value: float) -> None:
        print(f"bench:   {key} = {value:,.2f}", flush=True)
        super().__setitem__(key, value)


def bench_size(target_lines: int, work: Path, rounds: int = 2) -> SizeResult:
    with MemoryWatch(os.getpid()) as watch:
        result = _bench_size(target_lines, work, watch, rounds)
    result.memory = {name: asdict(peak) for name, peak in watch.phases.items()}
    pipeline = [peak for name, peak in watch.phases.items() if name in PIPELINE_PHASES]
    result.figures["peak_rss_mib"] = max(peak.total_mib for peak in pipeline)
    result.figures["process_peak_rss_mib"] = max(peak_rss_mib())
    result.targets["peak RSS <= 6 GiB"] = result.figures["peak_rss_mib"] <= 6 * 1024
    return result


def _bench_size(target_lines: int, work: Path, watch: MemoryWatch, rounds: int) -> SizeResult:
    from orchestration.cli import sample_start
    from orchestration.fresh import build_developer_marts
    from orchestration.generator import GenerateConfig, generate
    from orchestration.loader import load
    from orchestration.pipeline import dbt_build
    from orchestration.publish import publish
    from orchestration.quality import render_data_docs, run_gate

    developers = max(3, round(target_lines / LINES_PER_DEVELOPER))
    result = SizeResult(target_lines=target_lines, developers=developers, figures=Figures())
    paths = Paths(work / "home")
    figures = result.figures

    def step(name: str, action: Callable[[], object]) -> tuple[float, object]:
        with watch.phase(name):
            return timed(action)

    # Ending today: the gate's plausibility suite refuses days after tomorrow.
    config = GenerateConfig(out=paths.landing, developers=developers, days=DAYS, start=sample_start(None, DAYS))
    figures["generate_s"], summary = step("generate", lambda: generate(config))
    figures["transcript_lines"] = float(summary.lines["claude_code"])

    def alone_phase(source: str) -> AbstractContextManager[object]:
        return watch.phase(f"{source} scan, floor and load alone")

    alone = floors_and_loads(paths.landing, list(SOURCE_SCANS), work, rounds, alone_phase)
    for source, stats in alone.items():
        stats["load_over_bare_scan"] = stats["load_s"] / stats["bare_scan_s"]
        stats["load_over_floor"] = stats["load_s"] / stats["floor_s"]
        stats["load_mb_per_s"] = stats["mb"] / stats["load_s"]
        # The floor's own rate: a source whose floor is slower per MB than the transcripts' load cannot match it.
        stats["floor_mb_per_s"] = stats["mb"] / stats["floor_s"]
        result.sources[source] = stats
        print(f"bench:   {source}: " + ", ".join(f"{k} {v:,.2f}" for k, v in stats.items()), flush=True)
    figures["load_all_s"], _ = step("load_all", lambda: load(paths.landing, paths.warehouse))
    figures["build_full_s"], built = step("build_full", lambda: dbt_build(paths))
    if not built:
        raise RuntimeError("the full dbt build failed: see logs/dbt-last-run.log under the bench home")
    run_results = paths.home / "dbt_target" / "run_results.json"
    nodes, result.slowest["build_full"] = dbt_node_times(run_results)
    figures.update({f"build_full_{key}": value for key, value in nodes.items()})
    # The first gate of a home creates its GX objects; every later one (the gate after each incremental build,
    # the case `gate_s` stands for) reuses them, as a running pipeline does. Its Data Docs are rendered after the
    # publish, as the pipeline's gx_data_docs step does (`data_docs_s`).
    figures["gate_first_s"], first_gate = step("gate_first", lambda: run_gate(paths, data_docs=False))
    if not first_gate.passed:
        raise RuntimeError(f"the gate after the full build failed: {[f.describe() for f in first_gate.failures]}")
    with watch.phase("add_new_developers"):
        new_lines = add_new_developers(paths.landing, round(0.01 * summary.lines["claude_code"]), config.start, work)
    figures["new_lines"] = float(new_lines)
    figures["load_incremental_s"], _ = step("load_incremental", lambda: load(paths.landing, paths.warehouse))
    # What the fresh path builds for the new lines (the developer marts, tables only), then the whole project.
    figures["build_fresh_s"], fresh = step("build_fresh", lambda: build_developer_marts(paths))
    if fresh.returncode != 0:
        raise RuntimeError(f"the fresh path's build failed:\n{fresh.stdout[-2000:]}")
    figures["build_fresh_over_full"] = figures["build_fresh_s"] / figures["build_full_s"]
    figures["build_incremental_s"], built = step("build_incremental", lambda: dbt_build(paths))
    if not built:
        raise RuntimeError("the incremental dbt build failed")
    nodes, result.slowest["build_incremental"] = dbt_node_times(run_results)
    figures.update({f"build_incremental_{key}": value for key, value in nodes.items()})
    # What any whole-project build costs with no data at all: the incremental build's floor, beside it.
    with watch.phase("build_without_rows"):
        figures["build_no_rows_s"], nodes = build_without_rows(work)
    figures["build_no_rows_over_full"] = figures["build_no_rows_s"] / figures["build_full_s"]
    figures["build_no_rows_dbt_elapsed_s"] = nodes["dbt_elapsed_s"]
    figures["build_no_rows_node_s"] = nodes["node_s"]
    figures["build_incremental_over_full"] = figures["build_incremental_s"] / figures["build_full_s"]
    # What the incremental build spends beyond the project's cost with no rows: the part that depends on the new
    # data (shown beside the target, which stays the whole build's; two noisy figures, so read it loosely).
    figures["build_incremental_beyond_no_rows_s"] = figures["build_incremental_s"] - figures["build_no_rows_s"]
    figures["build_incremental_beyond_no_rows_over_full"] = (
        figures["build_incremental_beyond_no_rows_s"] / figures["build_full_s"]
    )
    figures["gate_s"], gate = step("gate", lambda: run_gate(paths, data_docs=False))
    figures["gate_passed"] = float(gate.passed)
    figures["publish_s"], _ = step("publish", lambda: publish(paths))
    figures["data_docs_s"], _ = step("data_docs", lambda: render_data_docs(paths))
    figures["warehouse_mb"] = paths.warehouse.stat().st_size / 1e6
    figures["published_mb"] = folder_bytes(paths.published) / 1e6
    result.targets = targets(figures, result.sources)
    return result


def freshness(developers: int, appends: int, work: Path, interval: float = 5.0) -> dict[str, float]:
    """End-to-end freshness at an organisation of `developers`: after a full run, the fresh path's watcher
    (the fresh_lines sensor's loop, every `interval` s) runs while new sessions are written into random
    developers' folders at random moments; each latency is from the write to the moment the developer's
    published file (its stable path) holds the session. Returns p50, p95, max and the refresh's steps."""
    import random
    import statistics
    import subprocess
    import threading

    from orchestration.cli import sample_start
    from orchestration.generator import GenerateConfig, generate
    from orchestration.loader import load
    from orchestration.pipeline import dbt_build
    from orchestration.publish import file_name, publish
    from orchestration.quality import run_gate
    from orchestration.transcript_append import append_new_session

    paths = Paths(work / "fresh-home")
    generate(GenerateConfig(out=paths.landing, developers=developers, days=DAYS, start=sample_start(None, DAYS)))
    load(paths.landing, paths.warehouse)
    if not dbt_build(paths) or not run_gate(paths).passed:
        raise RuntimeError("the freshness organisation's full run failed")
    publish(paths)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        owners = dict(
            con.execute(
                "select distinct transcript_owner, developer_id from intermediate.int_claude_code_sessions_context"
            ).fetchall()
        )
    log = (work / "fresh-watch.log").open("w")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "fresh", "--watch", str(interval)], cwd=PROJECT_DIR,
        env={**os.environ, "AI_TELEMETRY_HOME": str(paths.home)}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    latencies: list[float] = []
    pending: dict[str, tuple[Path, float]] = {}
    lock = threading.Lock()
    done = threading.Event()

    def poll() -> None:
        while not done.is_set() or pending:
            with lock:
                waiting = list(pending.items())
            for session_id, (file, written) in waiting:
                try:
                    with duckdb.connect(str(file), read_only=True) as con:
                        found = con.execute(
                            "select count(*) from developer_sessions_v1 where session_key like ?", [f"%:{session_id}"]
                        ).fetchall()[0][0]
                except duckdb.Error:
                    found = 0  # the file is being switched: read it again next round
                if found:
                    with lock:
                        latencies.append(time.monotonic() - written)
                        del pending[session_id]
            time.sleep(0.25)

    chooser = random.Random(15)
    try:
        time.sleep(3 * interval)  # the watcher's first pass (nothing new) is done
        poller = threading.Thread(target=poll)
        poller.start()
        for _ in range(appends):
            time.sleep(chooser.uniform(1, 3 * interval))
            owner = chooser.choice(sorted(owners))
            projects = sorted((paths.landing / "claude_code" / owner / "projects").iterdir())
            written = time.monotonic()
            session_id = append_new_session(chooser.choice(projects))
            with lock:
                file = paths.published / "developers" / f"{file_name(owners[owner])}.duckdb"
                pending[session_id] = (file, written)
        deadline = time.monotonic() + 300
        while pending and time.monotonic() < deadline:
            time.sleep(1)
        done.set()
        if pending:
            raise RuntimeError(f"{len(pending)} new sessions never reached their published file (see {log.name})")
        poller.join()
    finally:
        done.set()
        watcher.terminate()
        watcher.wait(timeout=30)
        log.close()
    steps = [line for line in (work / "fresh-watch.log").read_text().splitlines() if "developer file(s)" in line]
    print("bench:   " + "\nbench:   ".join(steps[-3:]), flush=True)
    return {
        "freshness_developers": float(developers),
        "freshness_interval_s": interval,
        "freshness_appends": float(len(latencies)),
        "freshness_p50_s": statistics.median(latencies),
        "freshness_p95_s": nearest_rank(latencies, 0.95),
        "freshness_max_s": max(latencies),
        "freshness_refreshes": float(len(steps)),
    }


def markdown(results: list[SizeResult], machine: str) -> str:
    if not results:
        return f"Machine: {machine}\n"
    lines = [f"Machine: {machine}", "", "| figure | " + " | ".join(f"{r.target_lines:,} lines" for r in results) + " |"]
    lines.append("|---|" + "---|" * len(results))
    keys = list(results[0].figures)
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(f"{r.figures[key]:,.2f}" for r in results) + " |")
    for source in results[0].sources:
        for key in ("load_over_bare_scan", "load_over_floor", "load_mb_per_s", "floor_mb_per_s"):
            lines.append(f"| {source} {key} | " + " | ".join(f"{r.sources[source][key]:,.2f}" for r in results) + " |")
    for phase in results[0].memory:
        lines.append(
            f"| peak MiB, {phase}: this process / largest child / all | "
            + " | ".join(_peaks(r.memory.get(phase)) for r in results)
            + " |"
        )
    for target in results[0].targets:
        lines.append(
            f"| target: {target} | " + " | ".join("met" if r.targets[target] else "MISSED" for r in results) + " |"
        )
    for result in results:
        for build, nodes in result.slowest.items():
            shown = ", ".join(f"`{node.split('.', 2)[-1]}` {seconds:.1f} s" for node, seconds in nodes)
            lines.append(f"| slowest nodes of {build}, {result.target_lines:,} lines | {shown} |")
    if len(results) > 1:
        for smaller, larger in itertools.pairwise(results):
            ratio = larger.figures["build_full_s"] / smaller.figures["build_full_s"]
            scale = larger.target_lines / smaller.target_lines
            lines.append(
                f"| full build {larger.target_lines:,} / {smaller.target_lines:,} (x{scale:g} lines) | {ratio:.2f}x |"
            )
    return "\n".join(lines) + "\n"


def _peaks(peak: dict[str, float] | None) -> str:
    if peak is None:
        return ""
    return f"{peak['own_mib']:,.0f} / {peak['largest_child_mib']:,.0f} / {peak['total_mib']:,.0f}"


def parse_sizes(text: str) -> list[int]:
    units = {"k": 1_000, "m": 1_000_000}
    sizes = [int(float(s[:-1]) * units[s[-1].lower()]) if s[-1].lower() in units else int(s) for s in text.split(",")]
    return [size for size in sizes if size > 0]


def run_bench(
    sizes: str,
    json_out: Path | None,
    markdown_out: Path | None,
    keep: Path | None,
    freshness_developers: int = 100,
    rounds: int = 2,
) -> int:
    import os
    import platform

    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    results = []
    for lines in parse_sizes(sizes):
        work = Path(tempfile.mkdtemp(prefix=f"bench-{lines}-", dir=keep))
        try:
            print(f"bench: {lines:,} transcript lines in {work}", flush=True)
            results.append(bench_size(lines, work, rounds))
        finally:
            if keep is None:
                shutil.rmtree(work, ignore_errors=True)
    fresh: dict[str, float] = {}
    if freshness_developers:
        work = Path(tempfile.mkdtemp(prefix="bench-fresh-", dir=keep))
        try:
            print(f"bench: freshness at {freshness_developers} developers in {work}", flush=True)
            fresh = freshness(freshness_developers, FRESHNESS_APPENDS, work)
        finally:
            if keep is None:
                shutil.rmtree(work, ignore_errors=True)
    table = markdown(results, machine)
    if fresh:
        met = fresh["freshness_p95_s"] <= FRESHNESS_TARGET_S
        table += (
            f"\nFreshness at {fresh['freshness_developers']:.0f} developers ({fresh['freshness_appends']:.0f} new "
            f"sessions at random moments, through the fresh path's watcher every "
            f"{fresh['freshness_interval_s']:g} s): p50 "
            f"{fresh['freshness_p50_s']:.1f} s, p95 {fresh['freshness_p95_s']:.1f} s, max "
            f"{fresh['freshness_max_s']:.1f} s; target p95 <= {FRESHNESS_TARGET_S} s: {'met' if met else 'MISSED'}\n"
        )
    print(table)
    payload = {"machine": machine, "sizes": [r.__dict__ for r in results], "freshness": fresh}
    if json_out:
        json_out.write_text(json.dumps(payload, indent=2) + "\n")
    if markdown_out:
        markdown_out.write_text(table)
    fresh_met = not fresh or fresh["freshness_p95_s"] <= FRESHNESS_TARGET_S
    return 0 if fresh_met and all(all(r.targets.values()) for r in results) else 1


if __name__ == "__main__":
    sys.exit(run_bench(sys.argv[1] if len(sys.argv) > 1 else "1M", None, None, None))

"""Load speed as a ratio to DuckDB's bare scan of the same transcript files, measured in the same run.

    python benchmarks/load_benchmark.py --developers 400 --days 120   # about 1 million transcript lines

Prints, for the generated transcripts:
- the bare scan (read_ndjson_objects summing byte lengths), best of --scans runs: the baseline;
- a floor: the same lines copied into a DuckDB file (zstd, no parsing, no checks): what storing them costs;
- the loader on the transcripts alone, and on every source of the landing folder (claude_code, otel,
  cursor, org), each into a new warehouse;
and each as a ratio to the baseline. The best scan is the smallest baseline, so ratios err high.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb
from common import size_arguments, timed_generate, work_folder

from orchestration.loader import load


def bare_scan(pattern: str) -> tuple[float, int, int]:
    con = duckdb.connect()
    started = time.perf_counter()
    lines, size = con.execute(
        "select count(*), sum(strlen(json::varchar)) from read_ndjson_objects(?)", [pattern]
    ).fetchone()
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed, lines, size


def stored_floor(pattern: str, database: Path) -> float:
    """The lines as they are, with their file, copied into a table of a DuckDB file and committed."""
    started = time.perf_counter()
    con = duckdb.connect(str(database), config={"preserve_insertion_order": False})
    con.execute("create table lines (filename varchar, line varchar using compression zstd)")
    con.execute("insert into lines select filename, json from read_ndjson_objects(?, filename = true)", [pattern])
    con.close()
    return time.perf_counter() - started


def timed_load(landing: Path, warehouse: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = load(landing, warehouse)
    return time.perf_counter() - started, result.rows_loaded


def main() -> None:
    parser = size_arguments(__doc__, developers=400)
    parser.add_argument("--scans", type=int, default=3, help="bare scans to run; the fastest is the baseline")
    args = parser.parse_args()
    with work_folder(args.workdir) as work:
        landing = work / "landing"
        timed_generate(landing, args.developers, args.days)

        transcripts = landing / "claude_code"
        pattern = str(transcripts / "**" / "*.jsonl")
        scans = [bare_scan(pattern) for _ in range(args.scans)]
        scan_seconds, scanned, size = min(scans)
        runs = ", ".join(f"{s[0]:.2f}" for s in scans)
        print(f"bare scan (read_ndjson_objects): {scanned:,} lines, {size / 1e6:,.0f} MB")
        print(f"bare scan: best {scan_seconds:.2f}s, median {statistics.median(s[0] for s in scans):.2f}s ({runs})")

        floor_seconds = stored_floor(pattern, work / "floor.duckdb")
        print(f"floor, the lines stored unparsed (zstd): {floor_seconds:.2f}s")

        only_claude = work / "only_claude"
        only_claude.mkdir()
        (only_claude / "claude_code").symlink_to(transcripts)
        claude_seconds, claude_rows = timed_load(only_claude, work / "claude.duckdb")
        print(f"load, transcripts only: {claude_rows:,} rows in {claude_seconds:.2f}s")
        full_seconds, full_rows = timed_load(landing, work / "full.duckdb")
        print(f"load, every source: {full_rows:,} rows in {full_seconds:.2f}s")

        print(f"ratio, floor / bare scan: {floor_seconds / scan_seconds:.2f}x")
        print(f"ratio, transcripts load / bare scan: {claude_seconds / scan_seconds:.2f}x (target <= 2x)")
        print(f"ratio, transcripts load / floor: {claude_seconds / floor_seconds:.2f}x")
        print(f"ratio, full load / bare scan of transcripts: {full_seconds / scan_seconds:.2f}x")


if __name__ == "__main__":
    main()

"""Load speed as a ratio to DuckDB's bare scan of the same transcript files, measured in the same run.

    python benchmarks/load_benchmark.py --developers 400 --days 120   # about 1 million transcript lines

Prints generator throughput, the bare scan (read_ndjson_objects summing byte lengths), the full load of
the same landing folder (claude_code, otel, cursor, org) and of the transcripts alone, and the ratios.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.generator import GenerateConfig, generate
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--developers", type=int, default=400)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        landing = work / "landing"
        started = time.perf_counter()
        summary = generate(GenerateConfig(out=landing, developers=args.developers, days=args.days))
        gen_seconds = time.perf_counter() - started
        transcript_lines = summary.lines["claude_code"]
        print(f"generate: {summary.describe()}")
        print(f"generate: {gen_seconds:.1f}s, {transcript_lines / gen_seconds:,.0f} transcript lines/s")

        transcripts = landing / "claude_code"
        scan_seconds, scanned, size = bare_scan(str(transcripts / "**" / "*.jsonl"))
        print(f"bare scan (read_ndjson_objects): {scanned:,} lines, {size / 1e6:,.0f} MB in {scan_seconds:.2f}s")

        only_claude = work / "only_claude"
        only_claude.mkdir()
        (only_claude / "claude_code").symlink_to(transcripts)
        started = time.perf_counter()
        result = load(only_claude, work / "claude.duckdb")
        claude_seconds = time.perf_counter() - started
        print(f"load, transcripts only: {result.rows_loaded:,} rows in {claude_seconds:.2f}s")

        started = time.perf_counter()
        full = load(landing, work / "full.duckdb")
        full_seconds = time.perf_counter() - started
        print(f"load, every source: {full.rows_loaded:,} rows in {full_seconds:.2f}s")
        print(f"ratio, transcripts load / bare scan: {claude_seconds / scan_seconds:.2f}x (target <= 2x)")
        print(f"ratio, full load / bare scan of transcripts: {full_seconds / scan_seconds:.2f}x")


if __name__ == "__main__":
    main()

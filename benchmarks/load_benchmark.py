"""Load speed as a ratio to DuckDB's bare scan of the same transcript files, measured in the same run.

    python benchmarks/load_benchmark.py --developers 400 --days 120   # about 1 million transcript lines

Prints, for the generated transcripts:
- the bare scan (read_ndjson_objects), best of three runs: the baseline;
- a floor: the same lines copied into a DuckDB file (zstd, no parsing, no checks): what storing them costs;
- the loader on the transcripts alone, and on every source of the landing folder (claude_code, otel,
  cursor, org, experiments), each into a new warehouse;
and each as a ratio to the baseline. The best scan is the smallest baseline, so ratios err high.
`ai-telemetry bench` measures the same per source, with the rest of the pipeline.
"""

from __future__ import annotations

import time
from pathlib import Path

from common import size_arguments, timed_generate, work_folder

from orchestration.bench import load_alone, scan_and_floor
from orchestration.loader import load


def timed_load(landing: Path, warehouse: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = load(landing, warehouse)
    return time.perf_counter() - started, result.rows_loaded


def main() -> None:
    parser = size_arguments(__doc__, developers=400)
    args = parser.parse_args()
    with work_folder(args.workdir) as work:
        landing = work / "landing"
        timed_generate(landing, args.developers, args.days)
        transcripts = scan_and_floor(landing, "claude_code", work)
        scan_seconds, floor_seconds = transcripts["bare_scan_s"], transcripts["floor_s"]
        print(f"bare scan (read_ndjson_objects): {transcripts['lines']:,.0f} lines, {transcripts['mb']:,.0f} MB")
        print(f"bare scan: best of 3 {scan_seconds:.2f}s")
        print(f"floor, the lines stored unparsed (zstd): {floor_seconds:.2f}s")
        claude_seconds = load_alone(landing, "claude_code", work)
        print(f"load, transcripts only: {claude_seconds:.2f}s")
        full_seconds, full_rows = timed_load(landing, work / "full.duckdb")
        print(f"load, every source: {full_rows:,} rows in {full_seconds:.2f}s")

        print(f"ratio, floor / bare scan: {floor_seconds / scan_seconds:.2f}x")
        print(f"ratio, transcripts load / bare scan: {claude_seconds / scan_seconds:.2f}x")
        print(f"ratio, transcripts load / floor: {claude_seconds / floor_seconds:.2f}x (target <= 2.5x)")
        print(f"ratio, full load / bare scan of transcripts: {full_seconds / scan_seconds:.2f}x")


if __name__ == "__main__":
    main()

"""Generator throughput and memory at benchmark scale, against a baseline measured in the same run.

    python benchmarks/generate_benchmark.py --developers 4000 --days 120   # about 10 million transcript lines

Prints lines and bytes written, the wall time, transcript lines per second, the peak resident memory of
the generating processes (the generator streams to disk, so it should not grow with the size), and the
ratio of the wall time to a baseline: `cp -r` of the generated folder on the same disk.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from orchestration.generator import GenerateConfig, generate


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--developers", type=int, default=4000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    parser.add_argument("--workdir", type=Path, help="write here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        out = work / "landing"
        started = time.perf_counter()
        summary = generate(GenerateConfig(out=out, developers=args.developers, days=args.days, workers=args.workers))
        seconds = time.perf_counter() - started
        written = folder_bytes(out)
        transcript_lines = summary.lines["claude_code"]
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"generate: {summary.describe()}")
        print(f"generate: {seconds:.1f}s, {written / 1e9:.2f} GB, {transcript_lines / seconds:,.0f} transcript lines/s")
        print(f"peak memory: {own:,.0f} MB in the main process, {workers:,.0f} MB in the largest worker")

        started = time.perf_counter()
        subprocess.run(["cp", "-r", str(out), str(work / "copy")], check=True)
        copy_seconds = time.perf_counter() - started
        shutil.rmtree(work / "copy")
        print(f"baseline, cp -r of the same files: {copy_seconds:.1f}s")
        print(f"ratio, generate / copy: {seconds / copy_seconds:.1f}x")


if __name__ == "__main__":
    main()

"""Generator throughput and memory at benchmark scale, against a baseline measured in the same run.

    python benchmarks/generate_benchmark.py --developers 4000 --days 120   # about 10 million transcript lines

Prints lines and bytes written, the wall time, transcript lines per second, the peak resident memory of
the generating processes (the generator streams to disk, so it should not grow with the size), and the
ratio of the wall time to a baseline: `cp -r` of the generated folder on the same disk.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import time

from common import size_arguments, timed_generate, work_folder

from orchestration.bench import folder_bytes


def main() -> None:
    parser = size_arguments(__doc__, developers=4000)
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    args = parser.parse_args()
    with work_folder(args.workdir) as work:
        out = work / "landing"
        seconds = timed_generate(out, args.developers, args.days, args.workers)
        print(f"written: {folder_bytes(out) / 1e9:.2f} GB")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory: {own:,.0f} MB in the main process, {workers:,.0f} MB in the largest worker")

        started = time.perf_counter()
        subprocess.run(["cp", "-r", str(out), str(work / "copy")], check=True)
        copy_seconds = time.perf_counter() - started
        shutil.rmtree(work / "copy")
        print(f"baseline, cp -r of the same files: {copy_seconds:.1f}s")
        print(f"ratio, generate / copy: {seconds / copy_seconds:.1f}x")


if __name__ == "__main__":
    main()

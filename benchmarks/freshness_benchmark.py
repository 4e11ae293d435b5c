"""Sensor-to-published latency under `dagster dev`: how long a new transcript line takes to reach its
developer's published file through the `fresh_lines` sensor and the fresh path's job, and where the time goes.

    .venv/bin/python benchmarks/freshness_benchmark.py --developers 100 --days 120 --appends 20

Generates a sample that ends today, runs the main job once, starts `dagster dev` as `make dev` does (both code
locations; the fresh path's sensor is on by default), then, one at a time after a random pause of 1-15 s,
appends three lines to one developer's transcript and waits until that developer's file in
published/developers/ names a new version. Prints each latency, p50 and p95, then the Dagster runs' steps: the
run's start, each step and the gaps between them. (`ai-telemetry bench` measures the same path without
Dagster, with appends that overlap.)
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
from common import size_arguments, work_folder

from orchestration.bench import nearest_rank
from orchestration.generator import GenerateConfig, generate
from orchestration.paths import PROJECT_DIR, Paths
from orchestration.pipeline import dagster_home

BIN = Path(sys.executable).parent


def wait_for(url: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError("dagster dev did not answer")


def published_version(path: Path) -> str | None:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("select version from publish_info").fetchone()[0]
    finally:
        con.close()


def append_lines(transcript: Path, n: int = 3) -> None:
    records = [json.loads(line) for line in transcript.read_bytes().splitlines()]
    assistant = next(r for r in reversed(records) if r.get("type") == "assistant")
    now = datetime.now(UTC)
    with transcript.open("a") as handle:
        for i in range(n):
            record = json.loads(json.dumps(assistant))
            record["uuid"] = str(uuid.uuid4())
            record["message"]["id"] = "msg_" + uuid.uuid4().hex[:24]
            record["requestId"] = "req_" + uuid.uuid4().hex[:24]
            record["timestamp"] = (now + timedelta(milliseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
            handle.write(json.dumps(record) + "\n")


def step_report(dagster: Path, since: float) -> list[str]:
    """Each run started after `since`: when it was created, started and ended, its steps and the gaps."""
    os.environ["DAGSTER_HOME"] = str(dagster)
    from dagster import DagsterInstance, RunsFilter

    lines = []
    with DagsterInstance.get() as instance:
        for record in reversed(instance.get_run_records(RunsFilter())):
            if record.create_timestamp.timestamp() < since:
                continue
            stats = instance.get_run_stats(record.dagster_run.run_id)
            created = record.create_timestamp.timestamp()
            lines.append(
                f"run {record.dagster_run.run_id[:8]} {record.dagster_run.status.value}: created +0.0 s, "
                f"started +{(stats.start_time or created) - created:.1f} s, "
                f"ended +{(stats.end_time or created) - created:.1f} s"
            )
            previous_end = stats.start_time or created
            for step in sorted(instance.get_run_step_stats(record.dagster_run.run_id), key=lambda s: s.start_time):
                gap = step.start_time - previous_end
                lines.append(
                    f"  {step.step_key:<28} {step.end_time - step.start_time:6.1f} s  (gap before it {gap:5.1f} s)"
                )
                previous_end = max(previous_end, step.end_time)
    return lines


def main() -> int:
    parser = size_arguments(__doc__, developers=30)
    parser.set_defaults(days=14)
    parser.add_argument("--appends", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    with work_folder(args.workdir) as work:
        paths = Paths(work / "home")
        start = date.today() - timedelta(days=args.days - 1)
        generate(GenerateConfig(out=paths.landing, developers=args.developers, days=args.days, start=start))
        env = {**os.environ, "AI_TELEMETRY_HOME": str(paths.home), "DAGSTER_HOME": str(dagster_home(paths))}
        started = time.perf_counter()
        subprocess.run([str(BIN / "ai-telemetry"), "run"], env=env, check=True, capture_output=True)
        print(f"first full run (generate excluded): {time.perf_counter() - started:.1f} s")
        with (paths.landing / "org" / "directory.csv").open() as handle:
            # The first developer with Claude Code transcripts (some use Cursor only).
            developer = next(
                row
                for row in csv.DictReader(handle)
                if any((paths.landing / "claude_code" / row["handle"]).rglob("*.jsonl"))
            )
        transcript = max((paths.landing / "claude_code" / developer["handle"]).rglob("*.jsonl"), key=os.path.getsize)
        target = paths.published / "developers" / f"{developer['developer_id']}.duckdb"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "dagster"),
                "dev",
                "-m",
                "orchestration.definitions",
                "-m",
                "orchestration.fresh_definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            env={**env, "DAGSTER_IS_DEV_CLI": "1"},
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_for(url, server)
            time.sleep(30)  # the sensor's first tick: everything is loaded, so it skips and keeps a cursor
            since = time.time()
            latencies = []
            pauses = random.Random(15)
            for _ in range(args.appends):
                time.sleep(pauses.uniform(1, 15))  # a line lands at any moment of the sensor's interval
                before = published_version(target)
                append_lines(transcript)
                t0 = time.perf_counter()
                while published_version(target) == before:
                    if time.perf_counter() - t0 > args.timeout:
                        raise TimeoutError("the appended lines never reached the published file")
                    time.sleep(0.5)
                latencies.append(time.perf_counter() - t0)
                print(f"append -> {target.name} new version: {latencies[-1]:.1f} s")
            p95 = nearest_rank(latencies, 0.95)
            print(
                f"latency over {len(latencies)} appends: p50 {statistics.median(latencies):.1f} s, p95 {p95:.1f} s, "
                f"max {max(latencies):.1f} s (the fresh_lines sensor ticks every 3 s)"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:  # it ignores SIGTERM when started with SIGINT ignored (a `cmd &`)
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        for line in step_report(Path(env["DAGSTER_HOME"]), since):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

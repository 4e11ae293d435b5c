"""Local mode against ccusage: `ai-telemetry stats today --claude-dir` and `ccusage daily --json` on the same
~/.claude-shaped folder.

    .venv/bin/python benchmarks/local_stats_benchmark.py                 # the real transcripts, if present
    .venv/bin/python benchmarks/local_stats_benchmark.py --mb 16         # a generated history of ~16 MB
    .venv/bin/python benchmarks/local_stats_benchmark.py --mb 1000       # ~1 GB

It prints, measured in one run: ccusage's time (the baseline), the first `stats` (load and build from
nothing), `stats` with no new data (a question not asked since the last load, and one asked again) and their ratios to
ccusage, `stats` after a new session (a few
hundred lines) and the tokens of both tools per day (input and cache tokens must be equal; output tokens
differ where a response's lines repeat: ccusage keeps the first, the marts the largest).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata" / "claude-code-viewer"
BIN = Path(sys.executable).parent
MB_PER_DEVELOPER_DAY = 759 / (400 * 120)  # the load benchmark's sample: 759 MB for 400 developers x 120 days


def ccusage(prefix: Path) -> Path:
    binary = prefix / "node_modules" / ".bin" / "ccusage"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), "ccusage@18.0.11"],
            check=True,
        )
    return binary


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return time.perf_counter() - started, result.stdout


def generated_history(out: Path, mb: float) -> Path:
    """A generated organisation's transcripts gathered into one ~/.claude (every project under projects/)."""
    from orchestration.generator import GenerateConfig, generate

    days = 60
    developers = max(6, round(mb / (MB_PER_DEVELOPER_DAY * days)))
    generate(GenerateConfig(out=out / "org", developers=developers, days=days, seed=3))
    claude = out / "claude"
    (claude / "projects").mkdir(parents=True)
    for owner in sorted((out / "org" / "claude_code").iterdir()):
        for project in sorted((owner / "projects").iterdir()):
            project.rename(claude / "projects" / f"{owner.name}-{project.name}")
    return claude


def new_session(template: Path, out: Path) -> int:
    """Writes `template`'s lines as another session: a new session id, and new uuids, message and request ids
    (so neither tool takes them for lines it has seen). Returns the lines written."""
    session = f"{time.time_ns():032x}"
    fresh = {}

    def renamed(value: object) -> object:
        return fresh.setdefault(value, f"new-{len(fresh)}-{value}") if isinstance(value, str) else value

    lines = []
    for raw in template.read_bytes().splitlines():
        record = json.loads(raw)
        if isinstance(record, dict):
            record["sessionId"] = session
            for key in ("uuid", "parentUuid", "requestId"):
                if key in record:
                    record[key] = renamed(record[key])
            if isinstance(record.get("message"), dict) and "id" in record["message"]:
                record["message"]["id"] = renamed(record["message"]["id"])
        lines.append(json.dumps(record))
    out.write_text("\n".join(lines) + "\n")
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, help="generate a history of about this size (default: real data)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        if args.mb:
            claude = generated_history(work, args.mb)
        else:
            if not (REALDATA / "projects").is_dir():
                sys.exit("no real transcripts here: pass --mb")
            claude = work / "claude"
            shutil.copytree(REALDATA / "projects", claude / "projects")
        size = sum(p.stat().st_size for p in claude.rglob("*.jsonl")) / 1e6
        env = {**os.environ, "AI_TELEMETRY_HOME": str(work / "home"), "CLAUDE_CONFIG_DIR": str(claude), "TZ": "UTC"}
        cc_seconds, cc_out = timed([str(ccusage(ROOT / "target" / "ccusage")), "daily", "--json", "--offline"], env)
        daily = {row["date"]: row for row in json.loads(cc_out)["daily"]}
        day = max(daily)
        stats = [str(BIN / "ai-telemetry"), "stats", "today", "--date", day, "--claude-dir", str(claude)]
        stats += ["--developer", "me", "--json"]
        first, _ = timed(stats, env)
        # No new data: other days' questions, then the same question again (both answered from the daily mart
        # rows kept at the first question, for the same files and project).
        fresh = statistics.median(
            timed([*stats[:4], other, *stats[5:]], env)[0] for other in sorted(daily)[-6:-1] or [day]
        )
        repeats = [timed(stats, env)[0] for _ in range(5)]
        unchanged = statistics.median(repeats)
        comparison = []
        for date_, row in sorted(daily.items())[-5:]:
            answer = json.loads(timed([*stats[:4], date_, *stats[5:]], env)[1])["current"]
            mine = [answer[k] for k in ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")]
            theirs = [row["inputTokens"], row["outputTokens"], row["cacheCreationTokens"], row["cacheReadTokens"]]
            same = mine[0] == theirs[0] and mine[2:] == theirs[2:]
            comparison.append(f"  {date_}: ours {mine}  ccusage {theirs}  input and cache equal: {same}")
        # A new session: the newest session file under a new name with new ids (a byte copy is a duplicate file,
        # which the loader quarantines: nothing new would reach the marts).
        newest = max(claude.rglob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)
        new_lines = new_session(newest, newest.with_name("0-new-session.jsonl"))
        after, out = timed(stats, env)
        ours = json.loads(out)
        print(f"history: {size:.1f} MB of transcripts in {claude}")
        print(f"ccusage daily --json:            {cc_seconds:7.2f} s (baseline)")
        print(f"stats today, first (from nothing): {first:7.2f} s  ({first / cc_seconds:.2f}x ccusage)")
        print(
            f"stats today, no new data, a new question: {fresh:7.3f} s  (median over other days; ccusage is "
            f"{cc_seconds / fresh:.1f}x slower)"
        )
        print(
            f"stats today, no new data, asked again:    {unchanged:7.3f} s  (median of 5; ccusage is "
            f"{cc_seconds / unchanged:.1f}x slower)"
        )
        # The floor of any Python answer: this venv's interpreter starting and exiting, doing nothing.
        floor = statistics.median(timed([str(BIN / "python"), "-c", "pass"], env)[0] for _ in range(5))
        print(
            f"python -c pass (this venv's start-up, the floor): {floor:7.3f} s  (20x ccusage would need "
            f"{cc_seconds / 20:.3f} s)"
        )
        print(f"stats today, after a new session ({new_lines} lines): {after:.2f} s")
        print("tokens per day (input / output / cache write / cache read), before the new session:")
        print("\n".join(comparison))
        print(f"  after the new session, {ours['start']}: {ours['current']['total_tokens']:,} tokens in all")


if __name__ == "__main__":
    main()

"""Incremental models are correct for any arrival order: a week-old backfill, a replaced file and its
retracted rows reach every layer on the next run, without a full refresh, and the marts equal a clean build."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import query

from orchestration.generator import GenerateConfig, generate
from orchestration.loader import load
from orchestration.paths import Paths
from orchestration.pipeline import dbt_build
from orchestration.quality import run_gate

# Platform marts describe the runs themselves (batch ids, load times, catalog sizes): they differ by design.
RUN_DEPENDENT = {
    "pipeline_health_v1",
    "source_freshness_v1",
    "storage_by_table_v1",
    "publish_history_v1",
    "publish_latency_v1",
    "platform_alerts_v1",
}


def marts(warehouse: Path) -> dict[str, list]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
            if t not in RUN_DEPENDENT
        ]
        return {n: sorted(con.execute(f'select * from marts."{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


def backfill(transcript: Path, days_back: int) -> int:
    """Three valid lines, a week older than the newest event, appended as a weekly-syncing laptop would."""
    records = [json.loads(line) for line in transcript.read_bytes().splitlines()]
    assistant = next(r for r in records if r.get("type") == "assistant" and r["message"].get("usage"))
    newest = max(r["timestamp"] for r in records if "timestamp" in r)
    base = datetime.fromisoformat(newest.replace("Z", "+00:00")) - timedelta(days=days_back)
    lines = []
    for i in range(3):
        record = json.loads(json.dumps(assistant))
        record["uuid"] = f"0000000{i}-1111-4222-8333-444455556666"
        record["message"]["id"] = f"msg_backfill{i}abcdefghijk"
        record["requestId"] = f"req_backfill{i}abcdefghijk"
        record["timestamp"] = (base + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        record["message"]["usage"] = {"input_tokens": 100 + i, "output_tokens": 1000, "cache_read_input_tokens": 7}
        lines.append(json.dumps(record))
    with transcript.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    return 3


@pytest.mark.slow
def test_late_lines_and_a_replaced_file_reach_every_layer_without_a_full_refresh(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate(GenerateConfig(out=landing, developers=6, days=9, seed=13, workers=1))
    incremental = Paths(tmp_path / "incremental")
    shutil.copytree(landing, incremental.landing)
    load(incremental.landing, incremental.warehouse)
    assert dbt_build(incremental)

    transcripts = sorted(
        p for p in incremental.landing.glob("claude_code/**/*.jsonl") if "agent-" not in p.name and p.stat().st_size
    )
    backfill(transcripts[-1], days_back=7)
    # A replaced file: rewritten shorter with a changed first line (the loader retracts its old rows).
    replaced = transcripts[len(transcripts) // 2]
    lines = replaced.read_bytes().splitlines()
    first = json.loads(lines[0])
    first["uuid"] = "99999999-8888-4777-8666-555544443333"
    replaced.write_bytes(json.dumps(first).encode() + b"\n" + b"\n".join(lines[1 : len(lines) // 2]) + b"\n")
    summary = load(incremental.landing, incremental.warehouse)
    assert summary.sources["claude_code"].rows_retracted > 0
    events_before = query(incremental.warehouse, "select count(*) from events.fct_events")[0][0]
    assert dbt_build(incremental)  # incremental: no --full-refresh
    gate = run_gate(incremental)
    assert gate.passed, [f.describe() for f in gate.failures]  # the token reconciliation among them

    clean = Paths(tmp_path / "clean")
    shutil.copytree(incremental.landing, clean.landing)
    load(clean.landing, clean.warehouse)
    assert dbt_build(clean)
    assert marts(incremental.warehouse) == marts(clean.warehouse)
    for relation in ("events.fct_events", "sessions.fct_sessions"):
        ours = sorted(query(incremental.warehouse, f"select * from {relation}"), key=repr)
        assert ours == sorted(query(clean.warehouse, f"select * from {relation}"), key=repr), relation
    assert query(incremental.warehouse, "select count(*) from events.fct_events")[0][0] != events_before

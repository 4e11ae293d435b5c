"""Real Claude Code transcripts as they arrive in practice: newer models than any price table, a subagent
whose parent is absent, one session under two people, timestamps without a zone or out of range, a token
count written as a string, a file nobody may read. `ai-telemetry run` still exits 0 and publishes, and
every figure is what an independent reading of the files gives."""

from __future__ import annotations

import csv
import json
import os
import uuid
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import REALDATA, independent_daily, query

from orchestration import loader
from orchestration.cli import main
from orchestration.paths import PROJECT_DIR
from orchestration.publish import reader_files

REAL = REALDATA / "claude-code-viewer" / "projects" / "sample-project"
SHORT, MEDIUM, LONG = "1af7fc5e", "5c0375b4", "fe5e1c67"  # 29, 53 and 438 lines
ORPHAN_SESSION = "7d1e6a52-3b7c-4c1e-9f0a-2b8d5e4c3a10"


def real_records(prefix: str) -> list[dict]:
    (path,) = REAL.glob(f"{prefix}*.jsonl")
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def with_model(records: list[dict], model: str) -> list[dict]:
    out = []
    for record in records:
        record = json.loads(json.dumps(record))
        if record.get("type") == "assistant":
            record["message"]["model"] = model
        out.append(record)
    return out


def extra_response(records: list[dict], output_tokens: object) -> dict:
    """A new API response in the same session, written after the last line."""
    last = next(r for r in reversed(records) if r.get("type") == "assistant")
    record = json.loads(json.dumps(last))
    record["uuid"] = str(uuid.uuid4())
    record["requestId"] = "req_" + uuid.uuid4().hex[:24]
    record["message"]["id"] = "msg_" + uuid.uuid4().hex[:24]
    record["message"]["usage"] = {
        "input_tokens": 7,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 100,
    }
    return record


@pytest.fixture
def messy_home(tmp_path: Path) -> Path:
    if not REAL.is_dir():
        pytest.skip("../shared/realdata is not present on this machine")
    home = tmp_path / "home"
    cc = home / "landing" / "claude_code"
    short, medium, long = real_records(SHORT), real_records(MEDIUM), real_records(LONG)
    # alice: a model genai-prices knows (no date suffix, as Claude Code writes the newest), and one nobody knows;
    # two lines of her file carry impossible times.
    impossible = []
    for stamp in ("1970-01-01T00:00:00.000Z", "2100-01-01T00:00:00.000Z"):
        line = json.loads(json.dumps(short[0]))
        line["uuid"], line["timestamp"] = str(uuid.uuid4()), stamp
        impossible.append(line)
    write(cc / "alice" / "projects" / "p" / f"{SHORT}.jsonl", with_model(short, "claude-opus-4-6") + impossible)
    write(cc / "alice" / "projects" / "p" / f"{MEDIUM}.jsonl", with_model(medium, "claude-opus-7-1"))
    # bob and carol: the same session, each copy grown by one response (so neither is a byte-identical duplicate);
    # bob's token count is a numeric string.
    write(cc / "bob" / "projects" / "p" / f"{LONG}.jsonl", [*long, extra_response(long, "12")])
    write(cc / "carol" / "projects" / "p" / f"{LONG}.jsonl", [*long, extra_response(long, 30)])
    # carol: a subagent transcript whose parent session file is absent, with zoneless timestamps.
    orphan = []
    for record in medium:
        if record.get("isSidechain"):
            record = json.loads(json.dumps(record))
            record["sessionId"] = ORPHAN_SESSION
            record["timestamp"] = record["timestamp"].removesuffix("Z")
            orphan.append(record)
    assert orphan
    write(cc / "carol" / "projects" / "p" / ORPHAN_SESSION / "subagents" / "agent-a1b2c3d.jsonl", orphan)
    # dave: a file nobody may read.
    locked = cc / "dave" / "projects" / "p" / "locked.jsonl"
    write(locked, short)
    locked.chmod(0)
    return home


def catalog_price(model_id: str) -> tuple[Decimal, ...]:
    with (PROJECT_DIR / "seeds" / "model_price_catalog.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["price_model_id"] == model_id)
    columns = ("input_usd_per_mtok", "output_usd_per_mtok", "cache_write_usd_per_mtok", "cache_read_usd_per_mtok")
    return tuple(Decimal(row[c]) for c in columns)


@pytest.mark.slow
def test_real_transcripts_in_every_awkward_shape_publish(
    messy_home: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    locked = next(messy_home.rglob("locked.jsonl"))
    if os.geteuid() == 0:
        # root reads any file: make the one planned read fail as it does for everyone else.
        original = loader.plan_file

        def refuse(source: str, key: str, *args: object):
            if key == str(locked):
                raise PermissionError(13, "Permission denied")
            return original(source, key, *args)

        monkeypatch.setattr(loader, "plan_file", refuse)
    # A zone far from UTC: days must not move with it.
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(messy_home))
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "run complete" in out
    warehouse = messy_home / "warehouse.duckdb"

    # Every line is staged or quarantined with its reason; the unreadable file stands in quarantine by path.
    reasons = dict(query(warehouse, "select reason, count(*) from raw.quarantine group by 1"))
    assert reasons == {"implausible_value:timestamp": 2, "unreadable_file": 1}
    (why,) = query(warehouse, "select excerpt from raw.quarantine where _source_file = ?", [str(locked)])[0]
    assert "Permission denied" in why

    # No event lacks a developer; the folder names them; bob and carol each keep their copy of the session.
    assert query(warehouse, "select count(*) from events.fct_events where developer_id is null") == [(0,)]
    developers = {d for (d,) in query(warehouse, "select distinct developer_id from events.fct_events")}
    assert developers == {"alice", "bob", "carol"}
    shared = query(
        warehouse,
        "select developer_id from sessions.fct_sessions where session_id like ? order by 1",
        [f"{LONG}%"],
    )
    assert shared == [("bob",), ("carol",)]
    orphan = query(warehouse, "select developer_id from sessions.fct_sessions where session_id = ?", [ORPHAN_SESSION])
    assert orphan == [("carol",)]

    # Each developer's own file: their rows only, tokens per UTC day exactly as the files say.
    files = {p.stem: p for p in reader_files(messy_home / "published")["developer"]}
    assert set(files) == {"alice", "bob", "carol"}
    for owner, path in files.items():
        con = duckdb.connect(str(path), read_only=True)
        try:
            rows = con.execute(
                "select developer_id, cast(activity_date as varchar), input_tokens, output_tokens, "
                "cache_creation_tokens, cache_read_tokens from developer_daily"
            ).fetchall()
        finally:
            con.close()
        assert {r[0] for r in rows} == {owner}
        assert {r[1]: tuple(r[2:]) for r in rows} == independent_daily(
            messy_home / "landing", keep="largest", owner=owner
        ), owner

    # Prices: genai-prices' opus-4-6 for alice's first file, an opus family estimate for the unknown model.
    priced = {
        model: (source, price_model, n)
        for model, source, price_model, n in query(
            warehouse, "select model_name, price_source, price_model_id, api_responses from marts.model_pricing_v1"
        )
    }
    assert priced["claude-opus-4-6"][:2] == ("genai_prices", "claude-opus-4-6")
    newest_opus = "claude-opus-5-5"
    assert priced["claude-opus-7-1"][:2] == ("family_estimate", newest_opus)
    costs = dict(
        query(
            warehouse,
            "select model_name, sum(cost_usd) from intermediate.int_api_usage_costed where model_name like "
            "'claude-opus-%' group by 1",
        )
    )
    for model, price_id in (("claude-opus-4-6", "claude-opus-4-6"), ("claude-opus-7-1", newest_opus)):
        prices = catalog_price(price_id)
        tokens = query(
            warehouse,
            "select sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens) "
            "from staging.stg_claude_code__api_usage where model_name = ?",
            [model],
        )[0]
        expected = sum(Decimal(t) * p for t, p in zip(tokens, prices, strict=True)) / Decimal(1_000_000)
        assert costs[model] > 0 and abs(costs[model] - expected) < Decimal("0.000001"), model
    # The platform file shows the estimate; its quarantine mart shows the unreadable file.
    con = duckdb.connect(str(messy_home / "published" / "platform.duckdb"), read_only=True)
    try:
        estimated = con.execute("select count(*) from model_pricing where price_source = 'family_estimate'").fetchone()
        unreadable = con.execute("select files from quarantine_reasons where reason = 'unreadable_file'").fetchone()
    finally:
        con.close()
    assert estimated == (1,) and unreadable == (1,)

"""Incremental models are correct for any arrival order: a week-old backfill, a replaced file and its
retracted rows reach every layer on the next run, without a full refresh, and the marts equal a clean build."""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import built_rows, query

from orchestration.build_state import TEST_SCOPE_FILE, prepare_test_scope
from orchestration.dbt import run_dbt
from orchestration.generator import GenerateConfig, generate
from orchestration.loader import load
from orchestration.paths import PROJECT_DIR, Paths
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


def replay(transcript: Path) -> tuple[str, str]:
    """A resumed session's new file, synced late: an earlier sighting of one of `transcript`'s messages, and a
    larger repeat of one of its responses. Returns the message's uuid and the response's message id."""
    records = [json.loads(line) for line in transcript.read_bytes().splitlines()]
    message = json.loads(json.dumps(next(r for r in records if r.get("type") == "user" and r.get("uuid"))))
    sighted = datetime.fromisoformat(message["timestamp"].replace("Z", "+00:00")) - timedelta(hours=1)
    message["timestamp"] = sighted.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    response = json.loads(
        json.dumps(next(r for r in records if r.get("type") == "assistant" and r["message"].get("usage")))
    )
    response["uuid"] = "0000000a-1111-4222-8333-444455556666"
    response["message"]["usage"]["output_tokens"] = response["message"]["usage"].get("output_tokens", 0) + 5000
    (transcript.parent / "replayed-by-a-resumed-session.jsonl").write_text(
        json.dumps(message) + "\n" + json.dumps(response) + "\n"
    )
    return message["uuid"], response["message"]["id"]


def staged(warehouse: Path, relation: str) -> list[tuple]:
    """A kept table's rows without what differs between two homes by design (paths, load runs and times)."""
    return built_rows(warehouse, relation, without={"source_file", "batch_id", "loaded_at"})


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
    replayed_uuid, repeated_response = replay(transcripts[0])
    exports = sorted(incremental.landing.glob("otel/*/*.jsonl"))
    csv = sorted(incremental.landing.glob("cursor/usage_events/*.csv"))[0]
    for export in [*exports[:2], csv]:  # an OTel log and metric export and a Cursor row sent again: new lines
        with export.open("ab") as handle:
            handle.write(export.read_bytes().splitlines()[-1] + b"\n")
    # New lines only: the deduplicated staging tables merge them with the rows they kept.
    summary = load(incremental.landing, incremental.warehouse)
    assert summary.sources["claude_code"].rows_retracted == 0 and summary.sources["otel"].rows_retracted == 0
    assert summary.sources["otel"].rows_loaded > 0 and summary.sources["cursor_usage_events"].rows_loaded == 1
    assert dbt_build(incremental)
    kept_file = query(
        incremental.warehouse,
        "select source_file from staging.stg_claude_code__messages where message_uuid = ?",
        [replayed_uuid],
    )
    assert [Path(f).name for (f,) in kept_file] == ["replayed-by-a-resumed-session.jsonl"]
    kept_file = query(
        incremental.warehouse,
        "select source_file from staging.stg_claude_code__api_usage where message_id = ?",
        [repeated_response],
    )
    assert [Path(f).name for (f,) in kept_file] == ["replayed-by-a-resumed-session.jsonl"]
    # A replaced file: rewritten shorter with a changed first line (the loader retracts its old rows).
    replaced = transcripts[len(transcripts) // 2]
    lines = replaced.read_bytes().splitlines()
    first = json.loads(lines[0])
    first["uuid"] = "99999999-8888-4777-8666-555544443333"
    replaced.write_bytes(json.dumps(first).encode() + b"\n" + b"\n".join(lines[1 : len(lines) // 2]) + b"\n")
    exports[-1].write_bytes(b"\n".join(exports[-1].read_bytes().splitlines()[1:]) + b"\n")  # its first line gone
    summary = load(incremental.landing, incremental.warehouse)
    assert summary.sources["claude_code"].rows_retracted > 0 and summary.sources["otel"].rows_retracted > 0
    events_before = query(incremental.warehouse, "select count(*) from events.fct_events")[0][0]
    assert dbt_build(incremental)  # incremental: no --full-refresh
    gate = run_gate(incremental)
    assert gate.passed, [f.describe() for f in gate.failures]  # the token reconciliation among them

    clean = Paths(tmp_path / "clean")
    shutil.copytree(incremental.landing, clean.landing)
    load(clean.landing, clean.warehouse)
    assert dbt_build(clean)
    assert marts(incremental.warehouse) == marts(clean.warehouse)
    # The deduplicated staging tables merged each run's new lines with what they kept: the same rows as a
    # build from nothing, with the late earlier sighting and the larger repeat kept. The OTel tables appended
    # the new lines and were rebuilt after the retraction; the Cursor events appended its new row.
    kept = (
        "stg_claude_code__messages",
        "stg_claude_code__api_usage",
        "stg_otel__events",
        "stg_otel__metric_points",
        "stg_cursor__usage_events",
    )
    # The responses were priced, and the sessions' context found, as their lines arrived: the same rows as a
    # build from nothing.
    computed_once = ("intermediate.int_api_usage_costed", "intermediate.int_claude_code_sessions_context")
    for relation in (*(f"staging.{name}" for name in kept), *computed_once):
        assert staged(incremental.warehouse, relation) == staged(clean.warehouse, relation), relation
    for relation in ("events.fct_events", "sessions.fct_sessions"):
        assert built_rows(incremental.warehouse, relation) == built_rows(clean.warehouse, relation), relation
    assert query(incremental.warehouse, "select count(*) from events.fct_events")[0][0] != events_before

    # A kept row is not read again from raw ...
    messages = "staging.stg_claude_code__messages"
    con = duckdb.connect(str(incremental.warehouse))
    con.execute(f"update {messages} set session_id = 'stale' where message_uuid = ?", [replayed_uuid])
    con.close()
    assert run_dbt("run", "--select", "stg_claude_code__messages", home=incremental.home, capture=True).returncode == 0
    session = f"select session_id from {messages} where message_uuid = ?"
    assert query(incremental.warehouse, session, [replayed_uuid]) == [("stale",)]
    # ... until the model's code changes (here: the checksum its table remembers): it is rebuilt from raw.
    con = duckdb.connect(str(incremental.warehouse))
    con.execute(f"comment on table {messages} is 'sql of an older version'")
    con.close()
    assert run_dbt("run", "--select", "stg_claude_code__messages", home=incremental.home, capture=True).returncode == 0
    assert query(incremental.warehouse, session, [replayed_uuid]) != [("stale",)]
    assert staged(incremental.warehouse, messages) == staged(clean.warehouse, messages)


@pytest.mark.slow
def test_row_tests_after_new_data_read_the_new_rows_and_still_fail_on_a_bad_one(tmp_path: Path) -> None:
    """A build on new data with the same project runs the Claude Code row tests on the rows of the owners with
    new lines only (macros/test_scope.sql), and no unit tests, seeds, tests on seeds or views (they passed and
    were built for this project; a seed's table or a view that is gone is built again); a bad value among the
    new rows still fails the build, and a failed build moves nothing. The unique tests of rows written anew read
    the values written since the last passing build, and still fail on one that repeats an older row's."""
    paths = Paths(tmp_path / "home")
    generate(GenerateConfig(out=paths.landing, developers=6, days=5, seed=21, workers=1))
    load(paths.landing, paths.warehouse)
    assert dbt_build(paths)
    scope = "select count(*) from duckdb_tables() where table_name = 'test_scope'"
    assert query(paths.warehouse, scope) == [(0,)]  # a first build tests every row
    run_results = paths.home / "dbt_target" / "run_results.json"

    def unit_tests_run() -> int:
        return sum(r["unique_id"].startswith("unit_test.") for r in json.loads(run_results.read_text())["results"])

    assert unit_tests_run() >= 11

    transcripts = sorted(
        p for p in paths.landing.glob("claude_code/**/*.jsonl") if "agent-" not in p.name and p.stat().st_size
    )
    backfill(transcripts[0], days_back=1)
    load(paths.landing, paths.warehouse)
    assert dbt_build(paths)
    owner = transcripts[0].relative_to(paths.landing / "claude_code").parts[0]
    assert unit_tests_run() == 0  # the same project: its unit tests passed in the first build
    # Its seeds were loaded and tested and its views made by that build: they and the tests on seeds are left as
    # they are. The tests on a view and a relationship from a model to a seed read new rows, so they run.
    ran = {r["unique_id"] for r in json.loads(run_results.read_text())["results"]}
    assert not any(node.startswith("seed.") for node in ran)
    assert "model.ai_telemetry.stg_org__developers" not in ran
    assert "model.ai_telemetry.stg_org__developers" in nodes_of(paths)  # a view of the project
    assert not any(node.startswith("test.ai_telemetry.not_null_model_prices_") for node in ran)
    assert any(node.startswith("test.ai_telemetry.relationships_fct_events_event_name__") for node in ran)
    assert any(node.startswith("test.ai_telemetry.not_null_stg_org__developers_developer_id") for node in ran)
    assert query(paths.warehouse, "select transcript_owner from main.test_scope") == [(owner,)]
    compiled = paths.home / "dbt_target" / "run" / "ai_telemetry" / "models" / "staging" / "claude_code"
    tests = {p.stem: p.read_text() for p in compiled.rglob("*.sql")}
    row_test = tests["non_negative_stg_claude_code__api_usage_input_tokens"]
    unique_test = tests["unique_stg_claude_code__system_events_system_event_key"]
    assert f"transcript_owner in ('{owner}')" in row_test
    assert "transcript_owner in" not in unique_test  # a key without the owner is tested across every row
    assert f"transcript_owner in ('{owner}')" in tests["unique_stg_claude_code__api_usage_api_request_key"]
    costed = (paths.home / "dbt_target" / "run").rglob("unique_int_api_usage_costed_api_request_key.sql")
    assert f"transcript_owner in ('{owner}')" in next(costed).read_text()  # a key hashed from its owner
    owner_key_test = next(sql for name, sql in tests.items() if name.startswith("unique_key_stg_claude_code__me"))
    assert f"transcript_owner in ('{owner}')" in owner_key_test

    # A seed's table or a view gone from the warehouse (one made anew) is built again, with the seeds' tests.
    for relation in ("table reference.model_prices", "view staging.stg_org__developers"):
        con = duckdb.connect(str(paths.warehouse))
        con.execute(f"drop {relation}")
        con.close()
        assert dbt_build(paths)
        ran = {r["unique_id"] for r in json.loads(run_results.read_text())["results"]}
        assert {"seed.ai_telemetry.model_prices", "model.ai_telemetry.stg_org__developers"} <= ran, relation
        assert any(node.startswith("test.ai_telemetry.not_null_model_prices_") for node in ran)

    # A new line, and a loader defect in its load (what the row tests are there for): its session id lost.
    # The load is after the last passing build, so the scoped row test must see it.
    records = [json.loads(line) for line in transcripts[1].read_bytes().splitlines()]
    line = next(r for r in records if r.get("type") == "assistant") | {"uuid": "0000000b-1111-4222-8333-444455556666"}
    with transcripts[1].open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    assert load(paths.landing, paths.warehouse).rows_loaded == 1
    con = duckdb.connect(str(paths.warehouse))
    con.execute("update raw.claude_code_records set session_id = null where uuid = ?", [line["uuid"]])
    con.close()
    assert not dbt_build(paths)
    results = json.loads(run_results.read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] == "fail"]
    assert any("not_null_stg_claude_code__messages_session_id" in f for f in failed), failed
    # The failed build recorded nothing: the next one still looks at the bad row's load.
    assert not dbt_build(paths)

    # The unique tests that opt in read the values written after the last passing build, against every row: a row
    # written since (a newer built_at, or loaded_at in an append-only model) that repeats an older row's key fails.
    prepare_test_scope(paths)  # as the next build would
    ((began_at,),) = query(paths.warehouse, "select began_at from main.test_scope_since")
    state = json.loads((paths.home / TEST_SCOPE_FILE).read_text())
    assert began_at == datetime.fromisoformat(state["passed_build_began_at"])
    for relation, key, written_at in (
        ("events.fct_events", "event_key", "built_at"),
        ("staging.stg_otel__events", "otel_event_key", "loaded_at"),
    ):
        test = f"unique_{relation.split('.')[1]}_{key}"
        assert run_dbt("test", "--select", test, home=paths.home, capture=True).returncode == 0
        compiled = next((paths.home / "dbt_target" / "run").rglob(f"{test}.sql")).read_text()
        assert f"{written_at} > cast('{began_at:%Y-%m-%d %H:%M:%S.%f}+00'" in compiled, compiled
        con = duckdb.connect(str(paths.warehouse))
        first, second = con.execute(f"select {key} from {relation} where {key} is not null limit 2").fetchall()
        con.execute(f"update {relation} set {key} = ?, {written_at} = now() where {key} = ?", [first[0], second[0]])
        con.close()
        tested = run_dbt("test", "--select", test, home=paths.home, capture=True)
        assert tested.returncode != 0 and f"FAIL 1 {test}" in tested.stdout, tested.stdout[-2000:]
        # A full refresh rewrites rows with their old load times: it tests every value.
        assert run_dbt("compile", "--full-refresh", "--select", test, home=paths.home, capture=True).returncode == 0
        compiled = next((paths.home / "dbt_target" / "compiled").rglob(f"{test}.sql")).read_text()
        assert f"{written_at} >" not in compiled and "where true" in compiled, compiled


def nodes_of(paths: Paths) -> dict:
    """The nodes of the project as the home's last dbt command parsed it."""
    return json.loads((paths.home / "dbt_target" / "manifest.json").read_text())["nodes"]


def project_copy(project: Path) -> Path:
    """A copy of the dbt project that a test may edit."""
    project.mkdir()
    for part in ("dbt_project.yml", "profiles", "models", "macros", "seeds", "tests/dbt"):
        copy = shutil.copytree if (PROJECT_DIR / part).is_dir() else shutil.copy
        copy(PROJECT_DIR / part, project / part)
    return project


@pytest.mark.slow
def test_a_price_change_reprices_the_kept_responses(tmp_path: Path) -> None:
    """int_api_usage_costed prices each response once, as it arrives; a price table edited and seeded again
    changes the checksum it keeps (it covers the files of what it reads), so the next run prices every kept
    response again: the same costs as a build from nothing with the new prices."""
    project = project_copy(tmp_path / "project")
    kept, clean = Paths(tmp_path / "kept"), Paths(tmp_path / "clean")
    generate(GenerateConfig(out=kept.landing, developers=6, days=4, seed=21, workers=1))
    shutil.copytree(kept.landing, clean.landing)
    selected = ("build", "--select", "+int_api_usage_costed", "--exclude-resource-type", "unit_test")
    costs = "select api_request_key, price_source, cost_usd from intermediate.int_api_usage_costed order by 1"
    load(kept.landing, kept.warehouse)
    assert run_dbt(*selected, home=kept.home, project_dir=project, capture=True).returncode == 0
    before = query(kept.warehouse, costs)
    assert any(source == "price_table" for _, source, _ in before), "the sample's models are in the price table"
    # Every model's input price in the price table doubled.
    seed = project / "seeds" / "model_prices.csv"
    rows = list(csv.DictReader(seed.open()))
    for row in rows:
        row["input_usd_per_mtok"] = f"{2 * float(row['input_usd_per_mtok']):.2f}"
    with seed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert run_dbt(*selected, home=kept.home, project_dir=project, capture=True).returncode == 0
    load(clean.landing, clean.warehouse)
    assert run_dbt(*selected, home=clean.home, project_dir=project, capture=True).returncode == 0
    after = query(kept.warehouse, costs)
    assert after != before
    assert after == query(clean.warehouse, costs)


@pytest.mark.slow
def test_a_macro_change_rebuilds_the_kept_rows_of_the_models_that_call_it(tmp_path: Path) -> None:
    """An incremental model keeps its rows while its code is the same; its code includes the project's macros it
    calls, through `adapter.dispatch` too: stg_cursor__usage_events calls json_texts, which dispatches to
    duckdb__json_texts. An edit there (every text field upper-cased) rebuilds its kept rows on the next run, with
    no --full-refresh: the same rows as a build from nothing with the edited macro."""
    project = project_copy(tmp_path / "project")
    kept, clean = Paths(tmp_path / "kept"), Paths(tmp_path / "clean")
    generate(GenerateConfig(out=kept.landing, developers=6, days=4, seed=21, workers=1))
    shutil.copytree(kept.landing, clean.landing)
    selected = ("run", "--select", "stg_cursor__usage_events")
    model = "staging.stg_cursor__usage_events"
    kinds = f"select distinct usage_kind from {model} order by 1"
    load(kept.landing, kept.warehouse)
    assert run_dbt(*selected, home=kept.home, project_dir=project, capture=True).returncode == 0
    before = query(kept.warehouse, kinds)
    assert before and all(kind != kind.upper() for (kind,) in before), before
    # Unchanged code: the kept rows stay as they are (a second run reads no line again).
    assert run_dbt(*selected, home=kept.home, project_dir=project, capture=True).returncode == 0
    assert query(kept.warehouse, kinds) == before
    macros = project / "macros" / "cross_db.sql"
    text = macros.read_text()
    paths = "[{% for path in paths %}'{{ path }}'{{ ', ' if not loop.last }}{% endfor %}]"
    old = f"    json_extract_string({{{{ column }}}}, {paths})\n"
    assert text.count(old) == 1
    upper_cased = f"    list_transform(json_extract_string({{{{ column }}}}, {paths}), lambda x: upper(x))\n"
    macros.write_text(text.replace(old, upper_cased))
    assert run_dbt(*selected, home=kept.home, project_dir=project, capture=True).returncode == 0
    after = query(kept.warehouse, kinds)
    assert after == [(kind.upper(),) for (kind,) in before]
    load(clean.landing, clean.warehouse)
    assert run_dbt(*selected, home=clean.home, project_dir=project, capture=True).returncode == 0
    assert staged(kept.warehouse, model) == staged(clean.warehouse, model)


@pytest.mark.slow
def test_kept_tables_keep_their_code_checksum_whichever_branch_a_run_takes(tmp_path: Path) -> None:
    """fct_sessions calls `select_changed` only in a run that merges into its kept rows. Its kept checksum must be
    the same after a run that computes every row and after one that merges, or every other build recomputes it
    all (it did: the checksum followed the macros the last render happened to call). It still covers the
    merging branch's macros: an edit to `select_changed` makes the next run compute every row."""
    project = project_copy(tmp_path / "project")
    paths = Paths(tmp_path / "home")
    generate(GenerateConfig(out=paths.landing, developers=6, days=4, seed=23, workers=1))
    load(paths.landing, paths.warehouse)
    # With the seeds it reads (prices); tests are not what this checks.
    selected = ("build", "--select", "+fct_sessions", "--exclude-resource-type", "test", "unit_test")
    compiled = paths.home / "dbt_target" / "compiled" / "ai_telemetry" / "models" / "sessions" / "fct_sessions.sql"
    kept_checksums = "select table_name, comment from duckdb_tables() where comment like 'sql %' order by 1"

    def run() -> tuple[list[tuple], bool]:
        assert run_dbt(*selected, home=paths.home, project_dir=project, capture=True).returncode == 0
        return query(paths.warehouse, kept_checksums), "changed_scopes" in compiled.read_text()

    first, first_merged = run()
    assert "fct_sessions" in dict(first) and not first_merged
    for _ in range(2):
        assert run() == (first, True)
    macros = project / "macros" / "incremental.sql"
    text = macros.read_text()
    old = "{% macro select_changed(key, columns, built_where=none) -%}\n"
    assert old in text
    macros.write_text(text.replace(old, old + "    {#- an edit that changes no SQL -#}\n"))
    edited, merged = run()
    assert not merged
    assert dict(edited)["fct_sessions"] != dict(first)["fct_sessions"]


@pytest.mark.slow
def test_fct_sessions_recomputes_only_the_scopes_fct_events_rewrote(tmp_path: Path) -> None:
    """fct_sessions finds the scopes whose events changed by their row count and newest fct_events.built_at
    (macros/incremental.sql, written_fingerprint), not by hashing every event: a run after a new line recomputes
    its session and leaves everyone else's sessions as they were built, here tampered rows that a recomputation
    would have corrected. The recomputed session equals a build from nothing's."""
    kept, clean = Paths(tmp_path / "kept"), Paths(tmp_path / "clean")
    generate(GenerateConfig(out=kept.landing, developers=6, days=5, seed=31, workers=1))
    selected = ("build", "--select", "+fct_sessions", "--exclude-resource-type", "test", "unit_test")
    load(kept.landing, kept.warehouse)
    assert run_dbt(*selected, home=kept.home, capture=True).returncode == 0
    directory = csv.DictReader((kept.landing / "org" / "directory.csv").open())
    handles = {row["handle"]: row["developer_id"] for row in directory}
    transcript = sorted(
        p for p in kept.landing.glob("claude_code/**/*.jsonl") if "agent-" not in p.name and p.stat().st_size
    )[-1]
    owner = handles[transcript.relative_to(kept.landing / "claude_code").parts[0]]
    records = [json.loads(line) for line in transcript.read_bytes().splitlines()]
    session = next(r for r in records if r.get("type") == "assistant" and r["message"].get("usage"))["sessionId"]
    sessions = "sessions.fct_sessions"
    con = duckdb.connect(str(kept.warehouse))
    con.execute(f"update {sessions} set prompts = prompts + 1000")
    con.close()

    backfill(transcript, days_back=0)  # three lines of that session
    load(kept.landing, kept.warehouse)
    assert run_dbt(*selected, home=kept.home, capture=True).returncode == 0
    shutil.copytree(kept.landing, clean.landing)
    load(clean.landing, clean.warehouse)
    assert run_dbt(*selected, home=clean.home, capture=True).returncode == 0

    # The new lines' session was recomputed: as a clean build has it.
    in_session = "developer_id = ? and session_id = ?"
    recomputed = built_rows(kept.warehouse, sessions, in_session, [owner, session])
    assert recomputed == built_rows(clean.warehouse, sessions, in_session, [owner, session]) != []
    # No other was: every other row is still tampered.
    others = f"select count(*), count(*) filter (prompts < 1000) from {sessions} where session_id is distinct from ?"
    tampered, corrected = query(kept.warehouse, others, [session])[0]
    assert tampered > 10 and corrected == 0


def compared_developers(compiled: Path) -> set[str] | None:
    """The developers a run of fct_events computed (the list its compiled SQL filters on), or None for all."""
    found = re.search(
        r"on unioned\.developer_id = developers\.developer_id\s+where (false|unioned\.developer_id in \(([^)]*)\))",
        compiled.read_text(),
    )
    if not found:
        return None
    return {value.strip().strip("'") for value in found.group(2).split(",")} if found.group(2) else set()


@pytest.mark.slow
def test_fct_events_compares_only_the_developers_whose_events_can_have_changed(tmp_path: Path) -> None:
    """On DuckDB a run of fct_events computes and compares only the developers whose events can have changed since
    the last: the owner of a new transcript line, the person behind a Cursor email with a new request, and a
    developer moved to another team (macros/changed_developers.sql), also when the models it reads read the new
    line after it ran. The table still equals a build from nothing. A change to any model it reads, however far
    up, makes the next run compare every developer."""
    project = project_copy(tmp_path / "project")
    kept, clean = Paths(tmp_path / "kept"), Paths(tmp_path / "clean")
    generate(GenerateConfig(out=kept.landing, developers=8, days=5, seed=29, workers=1))
    selected = ("build", "--select", "+fct_events", "--exclude-resource-type", "test", "unit_test")
    compiled = kept.home / "dbt_target" / "compiled" / "ai_telemetry" / "models" / "events" / "fct_events.sql"

    def run() -> set[str] | None:
        load(kept.landing, kept.warehouse)
        assert run_dbt(*selected, home=kept.home, project_dir=project, capture=True).returncode == 0
        return compared_developers(compiled)

    assert run() is None  # a first build computes every row
    assert run() == set()  # nothing new: nothing computed
    directory = list(csv.DictReader((kept.landing / "org" / "directory.csv").open()))
    by_handle = {row["handle"]: row for row in directory}
    by_email = {email: row for row in directory for email in row["emails"].split(";")}
    with_events = {d for (d,) in query(kept.warehouse, "select distinct developer_id from events.fct_events")}

    transcript = sorted(
        p for p in kept.landing.glob("claude_code/**/*.jsonl") if "agent-" not in p.name and p.stat().st_size
    )[-1]
    owner = by_handle[transcript.relative_to(kept.landing / "claude_code").parts[0]]["developer_id"]
    backfill(transcript, days_back=1)
    # fct_events run alone after the load: the models it reads have not read the new lines yet, so nothing can
    # have changed; the run after they have must still compare the owner.
    load(kept.landing, kept.warehouse)
    assert run_dbt("run", "--select", "fct_events", home=kept.home, project_dir=project, capture=True).returncode == 0
    assert compared_developers(compiled) == set()
    # A Cursor request of someone else sent again: a new line.
    last_lines = {p: p.read_bytes().splitlines()[-1] for p in sorted(kept.landing.glob("cursor/usage_events/*.csv"))}
    export, line = next(
        (p, b) for p, b in last_lines.items() if by_email[b.decode().split(",")[1]]["developer_id"] != owner
    )
    cursor_user = by_email[line.decode().split(",")[1]]["developer_id"]
    with export.open("ab") as handle:
        handle.write(line + b"\n")
    moved = next(row for row in directory if row["developer_id"] in with_events - {owner, cursor_user})
    teams = sorted({row["team"] for row in directory} - {moved["team"]})
    with (kept.landing / "org" / "directory.csv").open("a", newline="") as handle:  # a later line wins
        csv.DictWriter(handle, fieldnames=list(moved)).writerow(moved | {"team": teams[0]})

    assert run() == {owner, cursor_user, moved["developer_id"]}
    team = "select distinct team from events.fct_events where developer_id = ?"
    assert query(kept.warehouse, team, [moved["developer_id"]]) == [(teams[0],)]
    shutil.copytree(kept.landing, clean.landing)
    load(clean.landing, clean.warehouse)
    assert run_dbt(*selected, home=clean.home, project_dir=project, capture=True).returncode == 0
    assert built_rows(kept.warehouse, "events.fct_events") == built_rows(clean.warehouse, "events.fct_events")

    # A model two levels up edited (a comment): the next run compares everyone, then the one after does not.
    upstream = project / "models" / "staging" / "cursor" / "stg_cursor__daily_usage.sql"
    upstream.write_text(upstream.read_text() + "-- an edit\n")
    assert run() is None
    assert run() == set()

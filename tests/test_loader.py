"""The raw load: every line accounted for exactly once, idempotent, incremental, private."""

from __future__ import annotations

import csv
import json
import os
import random
import threading
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import CANARY, accounted_lines, assert_no_canary, file_lines, load, opaque, query

from orchestration import loader
from orchestration.loader import csv_rows, files
from orchestration.loader.csv_rows import OBJECT_MAX_KEYS
from orchestration.pipeline import RAW_TABLES


def counts(warehouse: Path) -> dict[str, int]:
    return {t: query(warehouse, f"select count(*) from raw.{t}")[0][0] for t in RAW_TABLES}


def assert_each_line_once(landing: Path, warehouse: Path) -> None:
    raw, quarantined = accounted_lines(warehouse)
    raw_set, q_set = set(raw), set(quarantined)
    assert len(raw) == len(raw_set), "a line landed twice in the raw tables"
    assert len(quarantined) == len(q_set), "a line was quarantined twice"
    assert not raw_set & q_set, "a line is both loaded and quarantined"
    expected = file_lines(landing)
    found = {pair for pair in raw_set | q_set if pair in expected}
    assert expected - found == set(), f"{len(expected - found)} lines neither loaded nor quarantined"


def test_generated_org_every_line_lands_once(landing_copy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    summary = load(landing_copy, warehouse)
    assert summary.rows_loaded > 1000
    assert summary.rows_quarantined == 0
    assert_each_line_once(landing_copy, warehouse)
    types = dict(query(warehouse, "select record_type, count(*) from raw.claude_code_records group by 1"))
    assert {"user", "assistant", "summary", "system", "progress"} <= set(types)


def test_second_load_changes_nothing(landing_copy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    before = counts(warehouse)
    again = load(landing_copy, warehouse)
    assert again.rows_loaded == 0 and again.rows_quarantined == 0
    assert counts(warehouse) == before


def test_files_rewritten_with_the_same_bytes_load_nothing(landing_copy: Path, tmp_path: Path) -> None:
    """A sync or a restore that rewrites every file with its own bytes (a new mtime) adds no row: the files
    are recorded as touched. (Every JSONL line was loaded a second time before this was fixed.)"""
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    before = counts(warehouse)
    files = [p for p in landing_copy.rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(path.read_bytes())
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    again = load(landing_copy, warehouse)
    assert again.rows_loaded == 0 and again.rows_quarantined == 0, again.describe()
    assert counts(warehouse) == before
    assert sum(s.actions["unchanged"] for s in again.sources.values()) == len(files)


def test_every_table_is_measured_on_disk_and_the_shares_add_up_to_the_file(landing_copy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    measured = dict(query(warehouse, "select table_schema || '.' || table_name, bytes_on_disk from raw.table_storage"))
    tables = {f"{s}.{t}" for s, t in query(warehouse, "select schema_name, table_name from duckdb_tables()")}
    assert set(measured) == tables
    # The transcripts are most of the landing, and so of the file.
    assert max(measured, key=measured.get) == "raw.claude_code_records"
    assert all(b >= 0 for b in measured.values()) and measured["raw.claude_code_records"] > 0
    # Shared blocks are split, not counted twice: the shares add up to the blocks the tables use, which
    # is no more than the file's used blocks (the rest hold the catalog and free lists).
    block_size, used_blocks = query(warehouse, "select block_size, used_blocks from pragma_database_size()")[0]
    assert sum(measured.values()) <= used_blocks * block_size
    assert sum(measured.values()) >= 0.5 * used_blocks * block_size


def test_appended_lines_load_alone(landing_copy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    transcript = sorted(landing_copy.glob("claude_code/**/*.jsonl"))[0]
    n_before = transcript.read_bytes().count(b"\n")
    record = json.loads(transcript.read_bytes().splitlines()[-1])
    with transcript.open("ab") as handle:
        for i in range(3):
            handle.write(json.dumps({**record, "uuid": f"appended-{i}", "type": "summary"}).encode() + b"\n")
    before = counts(warehouse)
    summary = load(landing_copy, warehouse)
    assert summary.rows_loaded == 3
    assert summary.sources["claude_code"].actions == Counter(appended=1)
    after = counts(warehouse)
    assert after["claude_code_records"] == before["claude_code_records"] + 3
    new_lines = query(
        warehouse,
        "select _line_number from raw.claude_code_records where _batch_id = ? order by 1",
        [summary.batch_id],
    )
    assert [n for (n,) in new_lines] == [n_before + 1, n_before + 2, n_before + 3]
    assert_each_line_once(landing_copy, warehouse)


def test_a_file_whose_only_line_was_cut_loads_whole_once_completed(tmp_path: Path) -> None:
    """A file written so far as one unfinished line: the next load reads it from byte 0 as an append, so its
    prefix hash must cover the whole file, or every later load would take it for a rewrite."""
    landing = tmp_path / "landing"
    transcript = landing / "claude_code" / "dev" / "projects" / "p" / "s.jsonl"
    transcript.parent.mkdir(parents=True)
    line = json.dumps({"type": "summary", "summary": "x", "leafUuid": "0f0e0d0c-0b0a-4090-8070-605040302010"})
    transcript.write_bytes(line[:20].encode())
    warehouse = tmp_path / "w.duckdb"
    assert load(landing, warehouse).rows_quarantined == 1  # truncated_last_line, for now
    transcript.write_bytes((line + "\n" + line + "\n").encode())
    completed = load(landing, warehouse)
    assert completed.sources["claude_code"].actions == Counter(appended=1)
    assert completed.rows_loaded == 2
    unchanged = load(landing, warehouse)
    assert unchanged.sources["claude_code"].actions == Counter()
    os.utime(transcript)  # same bytes, new time: not a rewrite, nothing to load again
    touched = load(landing, warehouse)
    assert touched.sources["claude_code"].actions == Counter(unchanged=1)
    assert touched.rows_loaded == touched.rows_quarantined == 0
    assert_each_line_once(landing, warehouse)


def test_a_file_gone_between_planning_and_reading_stands_in_quarantine_until_it_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small new files are first opened when their chunk is read, not when planned: one removed in between is
    quarantined as unreadable, by path and error, and the rest of the load goes on."""
    landing = tmp_path / "landing"
    projects = landing / "claude_code" / "dev" / "projects" / "p"
    kept = write_lines(projects / "kept.jsonl", [enc(good_record())])
    gone = write_lines(projects / "gone.jsonl", [enc(good_record(sessionId="s-2", uuid="u-2"))])
    aside = tmp_path / "aside.jsonl"
    planned = loader.Loader._plan

    def plan_then_remove(self: loader.Loader, *args: object) -> list:
        plans = planned(self, *args)
        if gone.exists():
            gone.rename(aside)
        return plans

    monkeypatch.setattr(loader.Loader, "_plan", plan_then_remove)
    warehouse = tmp_path / "w.duckdb"
    first = load(landing, warehouse)
    assert first.rows_loaded == 1 and first.sources["claude_code"].actions["unreadable"] == 1
    quarantined = query(warehouse, "select _source_file, reason, excerpt from raw.quarantine")
    assert quarantined == [(str(gone.resolve()), "unreadable_file", "FileNotFoundError: No such file or directory")]
    monkeypatch.setattr(loader.Loader, "_plan", planned)
    aside.rename(gone)
    second = load(landing, warehouse)
    assert second.rows_loaded == 1 and second.sources["claude_code"].actions == Counter(new=1)
    assert query(warehouse, "select count(*) from raw.quarantine") == [(0,)]
    assert_each_line_once(landing, warehouse)
    assert str(kept.resolve()) in {
        p for (p,) in query(warehouse, "select distinct _source_file from raw.claude_code_records")
    }


def test_a_load_is_always_later_than_the_one_before(landing_copy: Path, tmp_path: Path) -> None:
    """The deduplicated staging tables read on from the newest load time they kept: a clock set back must not
    give new lines an older time than lines already loaded."""
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.load_manifest set loaded_at = loaded_at + interval 1 day")  # the clock, set back
    ahead = con.execute("select max(loaded_at) from raw.load_manifest").fetchone()[0]
    con.close()
    transcript = sorted(landing_copy.glob("claude_code/**/*.jsonl"))[0]
    record = json.loads(transcript.read_bytes().splitlines()[-1])
    with transcript.open("ab") as handle:
        handle.write(json.dumps({**record, "uuid": "after-the-clock-moved", "type": "summary"}).encode() + b"\n")
    summary = load(landing_copy, warehouse)
    assert summary.rows_loaded == 1
    ((loaded_at,),) = query(
        warehouse, "select _loaded_at from raw.claude_code_records where _batch_id = ?", [summary.batch_id]
    )
    assert loaded_at > ahead


def write_lines(path: Path, lines: list[bytes], *, final_newline: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline else b""))
    return path


def good_record(**extra: object) -> dict:
    base = {
        "type": "user",
        "sessionId": "s-1",
        "uuid": "u-1",
        "timestamp": "2026-09-01T10:00:00.000Z",
        "message": {"role": "user", "content": "hello"},
    }
    return {**base, **extra}


def enc(record: object) -> bytes:
    return json.dumps(record).encode()


def test_faults_are_quarantined_with_reasons(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    projects = landing / "claude_code" / "dev" / "projects" / "p"
    faults = write_lines(
        projects / "faults.jsonl",
        [
            enc(good_record()),  # 1 fine
            b'{"type": "user", "sessionId": ',  # 2 invalid JSON
            b"\xff\xfe not utf-8 \xc3\x28",  # 3 not UTF-8
            b"",  # 4 blank
            enc({"type": "brand-new-kind", "whatever": 1}),  # 5 unknown type: kept
            enc({"sessionId": "s-1", "uuid": "u-2"}),  # 6 no type
            enc(good_record(sessionId=None) | {"sessionId": None}),  # 7 wrong type for sessionId
            enc({"type": "user", "uuid": "u-3", "timestamp": "2026-09-01T10:00:00Z", "message": {}}),  # 8 no session
            enc(good_record(timestamp="yesterday")),  # 9 bad timestamp
            enc(
                good_record(
                    type="assistant",
                    message={"id": "m", "usage": {"output_tokens": "many"}, "content": []},
                )
            ),  # 10 wrong usage type
            enc(good_record(type="assistant", message={"id": "m", "usage": {"input_tokens": -5}, "content": []})),
            b"[1, 2, 3]",  # 12 not an object
            b"\t" + enc(good_record(uuid="u-tab")),  # 13 after a tab: kept
            b"\t \t",  # 14 blank
            b"tr",  # 15 invalid JSON, not blank
            b'{"type": "user", "sessionId": "s-1", "uu',  # 16 truncated last line, no newline
        ],
        final_newline=False,
    )
    huge_text = "x" * (6 * 1024 * 1024)
    huge = write_lines(projects / "huge.jsonl", [enc(good_record(message={"role": "user", "content": huge_text}))])
    bom = projects / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + enc(good_record()) + b"\n" + enc(good_record(uuid="u-9")) + b"\n")
    empty = projects / "empty.jsonl"
    empty.write_bytes(b"")
    original = write_lines(projects / "orig.jsonl", [enc(good_record(uuid=f"o-{i}")) for i in range(4)])
    copy = projects / "copy-of-orig.jsonl"
    copy.write_bytes(original.read_bytes())

    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    reasons = dict(
        query(
            warehouse,
            "select _line_number, reason from raw.quarantine where _source_file = ?",
            [str(faults.resolve())],
        )
    )
    assert reasons == {
        2: "invalid_json",
        3: "invalid_utf8",
        4: "blank_line",
        6: "missing_field:type",
        7: "wrong_type:sessionId",
        8: "missing_field:sessionId",
        9: "invalid_value:timestamp",
        10: "invalid_value:message.usage",
        11: "invalid_value:message.usage",
        12: "not_a_json_object",
        14: "blank_line",
        15: "invalid_json",
        16: "truncated_last_line",
    }
    kept = dict(
        query(
            warehouse,
            "select _line_number, record_type from raw.claude_code_records where _source_file = ?",
            [str(faults.resolve())],
        )
    )
    assert kept == {1: "user", 5: "brand-new-kind", 13: "user"}
    huge_row = query(
        warehouse,
        "select content_blocks[1].chars, _line_bytes from raw.claude_code_records where _source_file = ?",
        [str(huge.resolve())],
    )
    assert huge_row[0][0] == len(huge_text) and huge_row[0][1] > len(huge_text)
    assert (
        query(warehouse, "select count(*) from raw.claude_code_records where _source_file = ?", [str(bom)])[0][0] == 2
    )
    # Of two byte-identical files, the first seen loads and the other is quarantined whole.
    dupes = query(
        warehouse,
        "select _source_file, count(*), min(reason) from raw.quarantine where reason = 'duplicate_file' group by 1",
    )
    assert len(dupes) == 1 and dupes[0][0] in (str(copy), str(original)) and dupes[0][1:] == (4, "duplicate_file")
    manifest = dict(query(warehouse, "select path, action from raw.load_manifest"))
    assert manifest[str(empty)] == "new"
    assert sorted([manifest[str(copy)], manifest[str(original)]]) == ["duplicate", "new"]
    assert_each_line_once(landing, warehouse)
    # Excerpts keep shape, not words.
    excerpts = [e for (e,) in query(warehouse, "select excerpt from raw.quarantine where excerpt is not null")]
    assert not any("sessionId" in e and "s-1" in e for e in excerpts)

    # The truncated last line is completed by the writer: reloaded whole, no longer quarantined.
    with faults.open("ab") as handle:
        handle.write(b'id": "u-7", "timestamp": "2026-09-01T10:00:00Z", "message": {"content": "hi"}}\n')
    summary = load(landing, warehouse)
    assert summary.sources["claude_code"].actions == Counter(appended=1)
    assert query(
        warehouse,
        "select record_type from raw.claude_code_records where _source_file = ? and _line_number = 13",
        [str(faults)],
    ) == [("user",)]
    assert_each_line_once(landing, warehouse)


def test_values_the_staging_models_cast_are_of_their_type_or_quarantined(tmp_path: Path) -> None:
    """A value a staging model casts (a count to bigint, a time to a timestamp) that would not cast is caught at
    the load: its line or record is quarantined with the field's name, or (an OTel time, a usage detail) kept as
    no value. So is a day the gate would refuse (outside the loader's window). Before, a 19-digit token count
    failed the whole load, one "n/a" in a Cursor export failed every dbt build after it, and one record from a
    machine whose clock was years ahead failed every gate: nothing published until someone edited the file."""
    landing = tmp_path / "landing"
    usage = {"input_tokens": 3, "output_tokens": 5}

    def assistant(number: int, **tokens: object) -> bytes:
        message = {"id": f"msg_{number:08d}", "role": "assistant", "content": [], "usage": usage | tokens}
        return enc(good_record(type="assistant", uuid=f"u-{number}", message=message))

    transcripts = write_lines(
        landing / "claude_code" / "dev" / "projects" / "p" / "s.jsonl",
        [
            assistant(1, input_tokens=999_999_999_999_999_999),  # 18 digits: the most a count may have
            assistant(2, input_tokens=9_999_999_999_999_999_999),  # 19: beyond the bigint column
            assistant(3, input_tokens="12"),
            assistant(4, cache_creation={"ephemeral_5m_input_tokens": 9_999_999_999_999_999_999}),
            assistant(5, server_tool_use={"web_search_requests": 2}),
        ],
    )
    events = landing / "cursor" / "usage_events" / "usage-events.csv"
    events.parent.mkdir(parents=True)
    header = "Date,User,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,"
    events.write_text(
        header + "Total Tokens,Cost\n"
        "2026-09-01T06:11:00.562Z,a@x.org,Usage-based,gpt-5,No,10,8,6,3,27,$0.12\n"  # 2 fine
        "2026-09-01T06:12:00.562Z,a@x.org,Usage-based,gpt-5,No,n/a,8,6,3,27,$0.12\n"  # 3 not a count
        "2026-09-01T06:13:00.562Z,a@x.org,Errored,gpt-5,No,,,,,,Included\n"  # 4 blanks: no values
        "2026-09-01T06:14:00.562Z,a@x.org,Usage-based,gpt-5,No,10,8,6,3,27,-$0.10\n"  # 5 a negative cost
        "yesterday,a@x.org,Usage-based,gpt-5,No,10,8,6,3,27,$0.12\n"  # 6 not a time
        "2026-09-01 06:15:00,a@x.org,Usage-based,gpt-5,No,10,-8,6,3,27,$0.12\n"  # 7 a negative count
        "2036-09-01T06:16:00Z,a@x.org,Usage-based,gpt-5,No,10,8,6,3,27,$0.12\n"  # 8 a wrong clock
        "2026-09-01T06:17:00Z, ,Usage-based,gpt-5,No,10,8,6,3,27,$0.12\n"  # 9 no one's
        "2026-09-01T06:18:00Z,a@x.org,Usage-based,gpt-5,No,10,8,6,3,27,1e400\n"  # 10 infinite: no money cast
        "2026-09-01T06:19:00Z,a@x.org,Usage-based,gpt-5,No,10,8,6,3,27,nan\n"  # 11 not a number
    )
    # A personal export has no User column: its requests are no one's in the organisation.
    personal = events.with_name("personal.csv")
    personal.write_text("Date,Model,Total Tokens,Cost\n2026-09-01T06:11:00.562Z,gpt-5,27,$0.12\n")
    daily = landing / "cursor" / "daily_usage" / "daily.json"
    daily.parent.mkdir(parents=True)
    day = {"date": 1788566400000, "email": "a@x.org", "totalLinesAdded": 4, "isActive": True}
    records = [
        day,
        day | {"totalLinesAdded": "many"},
        day | {"acceptedLinesAdded": -3},
        day | {"chatRequests": 2.5},
        day | {"isActive": "yes"},
        day | {"date": 10**16},
        day | {"totalTabsShown": None},
    ]
    daily.write_text(json.dumps({"period": {}, "data": records}))
    org = landing / "org" / "directory.csv"
    org.parent.mkdir(parents=True)
    org.write_text("developer_id,name,seat_monthly_cost_usd\ndev_1,A,40.00\ndev_2,B,n/a\ndev_3,C,\n")
    otel = landing / "otel" / "dev" / "logs.jsonl"

    def export(nanos: str, stamp: str | None = None) -> bytes:
        attributes = [{"key": "event.timestamp", "value": {"stringValue": stamp}}] if stamp else []
        record = {"timeUnixNano": nanos, "body": {"stringValue": "claude_code.user_prompt"}, "attributes": attributes}
        return enc({"resourceLogs": [{"resource": {"attributes": []}, "scopeLogs": [{"logRecords": [record]}]}]})

    write_lines(
        otel,
        [
            export("1788614846000000000"),
            export("99999999999999999999"),
            export("1788614846000000000", "2036-09-05T13:27:26.000000Z"),  # a wrong clock: the export held back
            export("2104281600000000000"),  # the same, told by the record's time alone
        ],
    )

    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    reasons = "select coalesce(_line_number, _record_index), reason from raw.quarantine where _source_file = ?"
    assert dict(query(warehouse, reasons, [str(transcripts)])) == {2: "invalid_value:message.usage"}
    assert query(
        warehouse,
        "select _line_number, input_tokens, cache_creation_5m_tokens, web_search_requests "
        "from raw.claude_code_records order by 1",
    ) == [(1, 999_999_999_999_999_999, None, None), (3, 12, None, None), (4, 3, None, None), (5, 3, None, 2)]
    assert dict(query(warehouse, reasons, [str(events)])) == {
        3: "invalid_value:Input (w/ Cache Write)",
        5: "invalid_value:Cost",
        6: "invalid_value:Date",
        7: "invalid_value:Input (w/o Cache Write)",
        8: "implausible_value:Date",
        9: "invalid_value:User",
        10: "invalid_value:Cost",
        11: "invalid_value:Cost",
    }
    assert dict(query(warehouse, reasons, [str(personal)])) == {2: "missing_field:User"}
    assert [n for (n,) in query(warehouse, "select _line_number from raw.cursor_usage_events order by 1")] == [2, 4]
    assert dict(query(warehouse, reasons, [str(daily)])) == {
        1: "wrong_type:totalLinesAdded",
        2: "invalid_value:acceptedLinesAdded",
        3: "wrong_type:chatRequests",
        4: "wrong_type:isActive",
        5: "implausible_value:date",
    }
    assert dict(query(warehouse, reasons, [str(org)])) == {3: "invalid_value:seat_monthly_cost_usd"}
    assert query(warehouse, "select _line_number, time_unix_nano from raw.otel_log_records order by 1") == [
        (1, "1788614846000000000"),
    ]
    assert dict(query(warehouse, reasons, [str(otel)])) == {
        # Beyond a 64-bit integer: kept as no value, and with no event.timestamp either the record has no time.
        2: "missing_field:timeUnixNano",
        3: "implausible_value:timestamp",
        4: "implausible_value:timestamp",
    }
    # A quarantined CSV row's excerpt keeps its shape only.
    excerpts = [
        e for (e,) in query(warehouse, "select excerpt from raw.quarantine where _source_file = ?", [str(events)])
    ]
    assert excerpts and not any("gpt" in e or "x.org" in e for e in excerpts)
    assert_each_line_once(landing, warehouse)


def test_a_csv_field_of_an_unknown_kind_is_refused() -> None:
    """Each kind is a check of its own (sql/macros.sql): a misspelt kind is refused where a source is declared and
    where its check is written into the SQL, never passed through."""
    with pytest.raises(ValueError, match="unknown field kinds"):
        loader.csv_source("x", "x", (("n", "cout"),))
    with pytest.raises(ValueError, match="unknown field kinds"):
        csv_rows.typed_problem_macro((("n", "count"), ("m", "count); drop table raw.quarantine; --")))


def test_csv_rows_are_read_as_python_reads_them_or_quarantined_with_reasons(tmp_path: Path) -> None:
    """CSV lines are split and unquoted by DuckDB (sql/csv_rows.sql); Python's csv module is the oracle for every
    row kept, whole files and appended tails alike, and each other line is quarantined with its reason."""
    landing = tmp_path / "landing"
    # The org directory's one typed field is optional (csv_rows.FIELD_KINDS): every row here is read as it is.
    folder = landing / "org"
    header = b"Date,User,Model,Note"
    export = write_lines(
        folder / "usage.csv",
        [
            header,  # 1 the file's schema: lands nowhere
            b"2026-09-01,ana@example.com,gpt-5,plain",  # 2
            b'2026-09-01,"ana, the second",gpt-5,comma inside quotes',  # 3
            b'2026-09-01,ana@example.com,"say ""hi""",',  # 4 doubled quotes, an empty last field
            b"2026-09-01,ana@example.com,gpt-5,windows line end\r",  # 5
            b"",  # 6 blank
            b"2026-09-01,ana@example.com",  # 7 too few fields
            b'2026-09-01,"ana@example.com,gpt-5,never closed',  # 8
            b'2026-09-01,ana b"c",gpt-5,a quote inside a field',  # 9 kept as written, as Python's csv does
            b'2026-09-01,"",gpt-5,"\xc3\xa9t\xc3\xa9"',  # 10 an empty quoted field, UTF-8 text
            b'2026-09-01,"ana@example.com',  # 11 cut short while written
        ],
        final_newline=False,
    )
    repeated = write_lines(folder / "repeated-column.csv", [b"a,b,a", b"1,2,3"])
    not_utf8 = write_lines(folder / "not-utf8.csv", [header, b"2026-09-01,\xff\xfe,gpt-5,x", b"2026-09-01,b,c,d"])
    (folder / "zz-copy-of-repeated-column.csv").write_bytes(repeated.read_bytes())
    # Wider than json_object is called for (csv_rows.OBJECT_MAX_KEYS): the members are joined as text instead.
    wide_keys = [f"c{i}" for i in range(OBJECT_MAX_KEYS + 8)]
    wide_values = [f'"v{i} ""q"" \t\\"' if i % 2 else f"v{i}" for i in range(len(wide_keys))]
    wide = write_lines(folder / "wide.csv", [",".join(wide_keys).encode(), ",".join(wide_values).encode()])

    def reasons(path: Path) -> dict[int, str]:
        sql = "select _line_number, reason from raw.quarantine where _source_file = ?"
        return dict(query(warehouse, sql, [str(path)]))

    def records(path: Path) -> dict[int, dict]:
        sql = "select _line_number, record from raw.org_directory where _source_file = ?"
        return {line: json.loads(record) for line, record in query(warehouse, sql, [str(path)])}

    def python_reads(path: Path, numbers: list[int]) -> dict[int, dict]:
        lines = path.read_bytes().split(b"\n")
        keys = next(csv.reader([lines[0].decode()]))
        rows = {n: next(csv.reader([lines[n - 1].decode().rstrip("\r")])) for n in numbers}
        return {n: dict(zip(keys, fields, strict=True)) for n, fields in rows.items()}

    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    assert records(export) == python_reads(export, [2, 3, 4, 5, 9, 10])
    assert records(export)[10] == {"Date": "2026-09-01", "User": "", "Model": "gpt-5", "Note": "été"}
    assert reasons(export) == {
        6: "blank_line",
        7: "csv_field_count_mismatch",
        8: "csv_invalid_quoting",
        11: "truncated_last_line",
    }
    assert records(repeated) == {2: {"a": "3", "b": "2"}}  # as dict(zip(header, row)) has it
    assert records(wide) == python_reads(wide, [2])
    assert list(records(wide)[2]) == wide_keys and list(records(export)[2]) == ["Date", "User", "Model", "Note"]
    assert reasons(folder / "zz-copy-of-repeated-column.csv") == {2: "duplicate_file"}
    # A file DuckDB cannot decode is read by Python line by line: only its bad line is quarantined.
    assert reasons(not_utf8) == {2: "invalid_utf8"}
    assert records(not_utf8) == python_reads(not_utf8, [3])
    # Excerpts keep shape, not words.
    excerpts = [e for (e,) in query(warehouse, "select excerpt from raw.quarantine where _line_number in (7, 8)")]
    assert excerpts and not any("ana" in e or "2026" in e for e in excerpts)

    # The writer finishes the cut line and appends one more: the tail is read by Python, parsed the same way.
    with export.open("ab") as handle:
        handle.write(b'",gpt-5,finished\n2026-09-02,"bo, b",claude-4.5-opus,"x ""y"""\n')
    summary = load(landing, warehouse)
    assert summary.sources["org_directory"].actions == Counter(appended=1)
    assert reasons(export) == {6: "blank_line", 7: "csv_field_count_mismatch", 8: "csv_invalid_quoting"}
    assert records(export) == python_reads(export, [2, 3, 4, 5, 9, 10, 11, 12])
    csv_lines = file_lines(landing, ("org/**/*.csv",))
    headers = {(path, 1) for path, _ in csv_lines}
    raw, quarantined = accounted_lines(warehouse)
    assert sorted(raw + quarantined) == sorted(csv_lines - headers)


def test_small_loads_do_not_leave_a_row_group_each(tmp_path: Path) -> None:
    """A sensor loads a few new lines at a time; each load must not leave its own tiny row group behind,
    or scans of the raw tables slow down with every load."""
    landing = tmp_path / "landing"
    transcript = write_lines(
        landing / "claude_code" / "dev" / "projects" / "p" / "s.jsonl",
        [enc(good_record(uuid=f"u-{i}")) for i in range(10)],
    )
    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    for i in range(6):
        with transcript.open("ab") as handle:
            handle.write(enc(good_record(uuid=f"later-{i}")) + b"\n")
        load(landing, warehouse)
    groups = query(
        warehouse,
        "select count(distinct row_group_id) from pragma_storage_info('raw.claude_code_records')",
    )
    assert query(warehouse, "select count(*) from raw.claude_code_records")[0][0] == 16
    assert groups[0][0] == 1


def test_a_large_load_leaves_its_row_groups_merged_for_the_next_writer(tmp_path: Path) -> None:
    """Each flush of a large load ends in a part-filled row group. The load merges them before it closes: left
    for later, the next process to write the warehouse (dbt) merged them at its first checkpoint, rewriting
    the raw tables while every model committing at that moment waited (5.9 s at 1M transcript lines)."""
    landing = tmp_path / "landing"
    sessions = landing / "claude_code" / "dev" / "projects" / "p"
    for session in range(3):  # 150,000 lines in three flushes: more than one row group (122,880 rows)
        write_lines(
            sessions / f"s{session}.jsonl",
            [enc(good_record(sessionId=f"s-{session}", uuid=f"u-{session}-{i}")) for i in range(50_000)],
        )
    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse, chunk_bytes=(sessions / "s0.jsonl").stat().st_size)
    blocks = "select row_group_id, block_id from pragma_storage_info('raw.claude_code_records') order by all"
    after_load = query(warehouse, blocks)
    assert query(warehouse, "select count(*) from raw.claude_code_records") == [(150_000,)]
    assert len({group for group, _ in after_load}) == 2
    # Another process writes and checkpoints with DuckDB's default vacuum, as dbt does: nothing to rewrite.
    con = duckdb.connect(str(warehouse))
    con.execute("create table main.written_later as select 1 as x")
    con.execute("checkpoint")
    con.close()
    assert query(warehouse, blocks) == after_load


def test_flushes_commit_in_order_and_one_that_fails_takes_the_later_ones_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two flushes are in flight at once, each on its own connection, but a flush commits only after the one
    before it. One file read in four chunks; the second flush fails after the third has staged its lines:
    the third rolls back too, so the file's first chunk stands alone, with no gap, and the next load leaves
    every line of the file loaded exactly once."""
    landing = tmp_path / "landing"
    session = landing / "claude_code" / "dev" / "projects" / "p" / "s.jsonl"
    write_lines(session, [enc(good_record(uuid=f"u-{i}")) for i in range(4_000)])
    warehouse = tmp_path / "w.duckdb"
    chunk = session.stat().st_size // 4 + 1
    data, firsts, done = session.read_bytes(), [], 0
    for read in range(0, len(data), chunk):  # each chunk's first line: blocks read whole, cut at a line's end
        firsts.append(data.count(b"\n", 0, done) + 1)
        done = data.rfind(b"\n", 0, read + chunk) + 1
    assert len(firsts) == 4
    third_staged = threading.Event()
    seen: list[int] = []
    real_counts = loader.Loader._counts

    def counts_then_fail_the_second(self: loader.Loader, con: duckdb.DuckDBPyConnection, source: object) -> object:
        first = con.execute("select min(line_number) from batch_lines").fetchone()[0]
        seen.append(first)
        if first == firsts[1]:
            # The third flush runs beside this one: once it has staged its lines, this one fails.
            assert third_staged.wait(timeout=120)
            raise RuntimeError("flush 2 failed")
        if first == firsts[2]:
            third_staged.set()
        return real_counts(self, con, source)

    monkeypatch.setattr(loader.Loader, "_counts", counts_then_fail_the_second)
    with pytest.raises(RuntimeError, match="flush 2 failed"):
        load(landing, warehouse, chunk_bytes=chunk)
    assert sorted(seen) == firsts[:3]  # the third flush was staged, and waited for the second at its commit
    lines = [n for (n,) in query(warehouse, "select _line_number from raw.claude_code_records order by 1")]
    assert lines == list(range(1, len(lines) + 1)) and 0 < len(lines) < 2_000
    manifest = query(warehouse, "select first_line, last_line from raw.load_manifest")
    assert manifest == [(1, len(lines))]
    assert query(warehouse, "select status from raw.load_batches") == [("failed",)]

    monkeypatch.setattr(loader.Loader, "_counts", real_counts)
    again = load(landing, warehouse, chunk_bytes=chunk)
    # The manifest's hash of a file read in chunks is the whole file's, so the next load cannot tell the chunk
    # it kept from a rewrite: it replaces it. (It skipped the file as unchanged before, losing 3/4 of it.)
    assert (again.rows_loaded, again.sources["claude_code"].rows_retracted) == (4_000, len(lines))
    assert_each_line_once(landing, warehouse)


@pytest.mark.parametrize("copied", [False, True], ids=["views", "copied"])
def test_lines_are_split_as_bytes_split_them_and_views_do_not_copy(
    copied: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's split: the lines of a buffer (short ones held in their view, long ones pointing into the
    buffer, blank, CR-ended, not UTF-8, the last unterminated) and their lengths, as bytes.split gives them;
    views over the buffer itself, or, for a buffer too large for 32-bit offsets, a copy."""
    if copied:
        monkeypatch.setattr(files, "VIEW_MAX_BUFFER", 0)
    monkeypatch.setattr(files, "NEWLINE_SCAN_BYTES", 7)  # the newline scan crosses its blocks mid-line
    rng = random.Random(15)
    lines = [b"", b"x", b"\xff\xfe", b"a" * 12, b"b" * 13, b"line\r", b'{"type":"user"}']
    lines += [bytes(rng.randrange(11, 256) for _ in range(rng.randrange(0, 40))) for _ in range(300)]
    for body in (b"\n".join(lines), b"\n".join(lines) + b"\n", b""):
        buffer = bytearray(body + b"padding past the length")
        split, lengths = files._split_lines(buffer, len(body))
        split.validate(full=True)
        assert split.to_pylist() == body.split(b"\n")
        assert lengths.tolist() == [len(line) for line in body.split(b"\n")]
        if copied:
            assert split.type == pa.large_binary()
        elif body:
            assert split.type == pa.binary_view()
            assert split.buffers()[2].address == pa.py_buffer(buffer).address
    # A flush whose segments were split both ways holds their lines as one type.
    view = files.Segment(None, pa.array([b"a" * 20], pa.binary_view()), 1, 21, 0, True, "", True)
    mixed = loader.Loader._lines_table([view, files.Segment(None, split, 1, 0, 0, True, "", True)])
    assert mixed.column("line").to_pylist() == [b"a" * 20, b""]


def test_shrunk_file_replaces_its_rows(landing_copy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    transcript = max(landing_copy.glob("claude_code/**/*.jsonl"), key=lambda p: p.stat().st_size)
    lines = transcript.read_bytes().splitlines(keepends=True)
    transcript.write_bytes(b"".join(lines[:3]))
    summary = load(landing_copy, warehouse)
    assert summary.sources["claude_code"].actions == Counter(replaced=1)
    assert summary.sources["claude_code"].rows_retracted == len(lines)
    rows = query(warehouse, "select count(*) from raw.claude_code_records where _source_file = ?", [str(transcript)])
    assert rows == [(3,)]
    assert_each_line_once(landing_copy, warehouse)


def test_rewritten_prefix_is_replaced_not_double_counted(landing_copy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    transcript = sorted(landing_copy.glob("claude_code/**/*.jsonl"))[1]
    lines = transcript.read_bytes().splitlines(keepends=True)
    record = json.loads(lines[0])
    record["uuid"] = "rewritten"
    transcript.write_bytes(json.dumps(record).encode() + b"\n" + b"".join(lines[1:]) + lines[-1])
    summary = load(landing_copy, warehouse)
    assert summary.sources["claude_code"].actions == Counter(replaced=1)
    n = query(warehouse, "select count(*) from raw.claude_code_records where _source_file = ?", [str(transcript)])
    assert n == [(len(lines) + 1,)]


def test_canaries_never_reach_the_warehouse(sample_landing: Path, tmp_path: Path) -> None:
    planted = sum(p.read_bytes().count(CANARY.encode()) for p in sample_landing.rglob("*.jsonl"))
    assert planted > 100, "the generator should plant the canary in prompts, text and tool payloads"
    warehouse = tmp_path / "w.duckdb"
    load(sample_landing, warehouse)
    assert assert_no_canary(warehouse) > 20


def test_otel_exports_told_by_their_opening_are_checked_when_they_yield_nothing(tmp_path: Path) -> None:
    """A minified export that opens with its one list is parsed only by its insert; when it yields no row, it is
    checked then, and gets the reason a checked line would. Lines of other shapes are checked first. Leading
    whitespace is a tab too; a line of letters is not blank."""

    def mini(document: object) -> bytes:
        return json.dumps(document, separators=(",", ":")).encode()

    record = {"timeUnixNano": "1793603561000000000", "attributes": [otlp_attr("event.name", {"stringValue": "x"})]}
    logs = {"resourceLogs": [{"scopeLogs": [{"logRecords": [record, record, record]}]}]}
    point = {"timeUnixNano": "1793603561000000000", "asInt": "4"}
    metrics = {
        "resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "n", "sum": {"dataPoints": [point] * 3}}]}]}]
    }
    landing = tmp_path / "landing"
    write_lines(
        landing / "otel" / "dev" / "export.jsonl",
        [
            mini(logs),  # 1: three log records
            mini(metrics),  # 2: three points
            b'{"resourceLogs":[{"resource":',  # 3 invalid JSON
            mini({"resourceLogs": [], "resourceMetrics": 5}),  # 4 wrong type (checked first: it names both)
            mini({"resourceLogs": []}),  # 5 no records
            mini({"resourceMetrics": [1]}),  # 6 a part of the wrong shape: no records
            b"\t" + mini(logs),  # 7 after a tab: three log records
            b"\t \t",  # 8 blank
            b"tr",  # 9 invalid JSON, not blank
            b'{"resourceMetrics":[{"scopeMetrics":',  # 10 truncated last line, no newline
        ],
        final_newline=False,
    )
    warehouse = tmp_path / "w.duckdb"
    assert otel_reasons(landing, warehouse) == {
        3: "invalid_json",
        4: "wrong_type:resource_list",
        5: "no_records",
        6: "no_records",
        8: "blank_line",
        9: "invalid_json",
        10: "truncated_last_line",
    }
    records = query(warehouse, "select _line_number, count(*) from raw.otel_log_records group by 1 order by 1")
    assert records == [(1, 3), (7, 3)]
    assert query(warehouse, "select _line_number, count(*) from raw.otel_metric_points group by 1") == [(2, 3)]
    assert_each_line_once(landing, warehouse)


def test_otel_attribute_types_are_all_accepted(sample_landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(sample_landing, warehouse)
    kinds = {
        k for (k,) in query(warehouse, "select distinct unnest(map_values(attribute_types)) from raw.otel_log_records")
    }
    # Only the kept attributes that were not strings have a type: a kept string (the event's name) has none.
    assert {"intValue", "doubleValue"} <= kinds and "stringValue" not in kinds
    strings = query(
        warehouse,
        "select count(*), count(attribute_types['event.name']) from raw.otel_log_records "
        "where attributes['event.name'] is not null",
    )
    assert strings[0][0] > 0 and strings[0][1] == 0
    doubles = query(warehouse, "select count(*) from raw.otel_log_records where attributes['cost_usd'] is not null")
    assert doubles[0][0] > 0
    prompts = query(warehouse, "select count(*) from raw.otel_log_records where redacted_attributes['prompt'] > 0")
    assert prompts[0][0] > 0, "developers who log prompts exist in the sample; their prompt is kept only as a size"


def test_otel_metric_names_are_kept_and_older_hashed_ones_restored_once(sample_landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load(sample_landing, warehouse)
    names = {n for (n,) in query(warehouse, "select distinct metric_name from raw.otel_metric_points")}
    assert {"claude_code.commit.count", "claude_code.active_time.total", "claude_code.code_edit_tool.decision"} <= names
    # A warehouse from before: the names stored as their opaque hash, the migration not yet run.
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.otel_metric_points set metric_name = 'h:' || left(md5(metric_name), 20)")
    con.execute("delete from raw.schema_migrations where name = 'migrate_otel_dotted_names'")
    con.close()
    assert query(warehouse, "select count(*) from raw.otel_metric_points where metric_name like 'claude_code.%'") == [
        (0,)
    ]
    load(sample_landing, warehouse)
    assert {n for (n,) in query(warehouse, "select distinct metric_name from raw.otel_metric_points")} == names


def test_otel_string_attribute_types_of_an_older_warehouse_are_dropped_once(
    sample_landing: Path, tmp_path: Path
) -> None:
    """A warehouse from before named every kept attribute's type; the migration drops the stringValue entries
    (an attribute without one was a string) and leaves the rows as a load of today would."""
    warehouse = tmp_path / "w.duckdb"
    load(sample_landing, warehouse)
    tables = ("otel_log_records", "otel_metric_points")
    rows = "select _source_file, _line_number, _record_index, attribute_types from raw.{}"
    sparse = {table: sorted(query(warehouse, rows.format(table))) for table in tables}
    # A warehouse from before: every kept attribute has its type, strings too; the migration not yet run.
    with_strings = (
        "map_concat(attribute_types, map_from_entries(list_transform("
        "list_filter(map_keys(attributes), lambda k: not map_contains(attribute_types, k)), "
        "lambda k: {'key': k, 'value': 'stringValue'})))"
    )
    con = duckdb.connect(str(warehouse))
    for table in tables:
        con.execute(f"update raw.{table} set attribute_types = {with_strings}")
    con.execute("delete from raw.schema_migrations where name = 'migrate_otel_sparse_attribute_types'")
    con.close()
    strings = "select count(*) from raw.{} where list_contains(map_values(attribute_types), 'stringValue')"
    for table in tables:
        assert query(warehouse, strings.format(table))[0][0] > 100, table
    load(sample_landing, warehouse)
    for table in tables:
        assert sorted(query(warehouse, rows.format(table))) == sparse[table], table
    migrations = "select count(*) from raw.schema_migrations where name = 'migrate_otel_sparse_attribute_types'"
    assert query(warehouse, migrations) == [(1,)]


# The transcripts' safe fields as the loader once kept them: one JSON record, null fields left out.
OLD_RECORD = """
json_merge_patch('{}', json_object(
    'type', record_type, 'sessionId', session_id, 'uuid', uuid, 'parentUuid', parent_uuid,
    'timestamp', record_timestamp, 'requestId', request_id, 'version', client_version, 'cwd', cwd,
    'gitBranch', git_branch, 'leafUuid', leaf_uuid, 'logicalParentUuid', logical_parent_uuid,
    'messageId', referenced_message_id, 'toolUseID', tool_use_id, 'parentToolUseID', parent_tool_use_id,
    'agentId', agent_id, 'sourceToolUseID', source_tool_use_id, 'subtype', subtype, 'userType', user_type,
    'level', level, 'operation', operation, 'permissionMode', permission_mode, 'slug', slug,
    'isSidechain', is_sidechain, 'isMeta', is_meta,
    'message', case when coalesce(message_id, message_role, input_tokens::varchar) is not null then json_object(
        'id', message_id, 'type', message_type, 'role', message_role, 'model', model, 'stop_reason', stop_reason,
        'usage', json_object('input_tokens', input_tokens, 'output_tokens', output_tokens,
            'cache_creation_input_tokens', cache_creation_tokens, 'cache_read_input_tokens', cache_read_tokens,
            'cache_creation', json_object('ephemeral_5m_input_tokens', cache_creation_5m_tokens,
                'ephemeral_1h_input_tokens', cache_creation_1h_tokens),
            'server_tool_use', json_object('web_search_requests', web_search_requests,
                'web_fetch_requests', web_fetch_requests))) end
), coalesce(other_scalars, map())::json)
"""
RECORD_COLUMNS = (
    "leaf_uuid", "logical_parent_uuid", "referenced_message_id", "tool_use_id", "parent_tool_use_id",
    "source_tool_use_id", "subtype", "level", "operation", "permission_mode", "slug", "message_type", "message_role",
    "stop_reason", "cache_creation_5m_tokens", "cache_creation_1h_tokens", "web_search_requests",
    "web_fetch_requests", "other_scalars",
)  # fmt: skip


def test_a_warehouse_with_json_records_gets_the_same_typed_columns_once(landing_copy: Path, tmp_path: Path) -> None:
    """A warehouse loaded when the safe fields were one JSON `record` is migrated to the typed columns: the same
    values as a fresh load, unknown numbers and booleans included, and the record is gone."""
    extra = landing_copy / "claude_code" / "me" / "projects" / "p" / "extras.jsonl"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text(
        json.dumps({"type": "system", "timestamp": "2026-11-01T10:00:00Z", "durationMs": 1234, "isSidechain": 1}) + "\n"
    )
    warehouse = tmp_path / "w.duckdb"
    load(landing_copy, warehouse)
    order = "order by _source_file, _line_number"
    fresh = query(
        warehouse,
        f"select _source_file, _line_number, {', '.join(RECORD_COLUMNS)} from raw.claude_code_records {order}",
    )
    assert any(row[-1] for row in fresh), "the sample has unknown scalar fields"
    con = duckdb.connect(str(warehouse))
    con.execute("alter table raw.claude_code_records add column record json")
    con.execute(f"update raw.claude_code_records set record = {OLD_RECORD}")
    for column in RECORD_COLUMNS:
        con.execute(f"alter table raw.claude_code_records drop column {column}")
    con.execute("delete from raw.schema_migrations where name = 'migrate_claude_code_record_columns'")
    con.close()
    load(landing_copy, warehouse)
    migrated = query(
        warehouse,
        f"select _source_file, _line_number, {', '.join(RECORD_COLUMNS)} from raw.claude_code_records {order}",
    )
    assert migrated == fresh
    columns = {
        c
        for (c,) in query(
            warehouse, "select column_name from duckdb_columns() where table_name = 'claude_code_records'"
        )
    }
    assert "record" not in columns


def otlp_attr(key: str, value: dict) -> dict:
    return {"key": key, "value": value}


def otel_reasons(landing: Path, warehouse: Path) -> dict[int, str]:
    """Loads `landing` and returns each quarantined OTel line's reason, by line number."""
    load(landing, warehouse)
    return dict(query(warehouse, "select _line_number, reason from raw.quarantine where source = 'otel'"))


def test_otel_exports_of_every_shape_are_loaded_or_quarantined(tmp_path: Path) -> None:
    """OTLP/JSON lines as the collector writes them, plus the shapes it should not: each line ends up in a
    raw table or in quarantine with a reason; numbers and booleans keep their value under any key, text only
    under a key known to carry safe values (the rest, lists too, only its size)."""
    attributes = [
        otlp_attr("event.name", {"stringValue": "tool_result"}),
        otlp_attr("escaped", {"stringValue": 'caf\u00e9 "q"'}),
        otlp_attr("duration_ms", {"intValue": "37"}),
        otlp_attr("sequence", {"intValue": 5}),
        otlp_attr("cost_usd", {"doubleValue": 1.5e-7}),
        otlp_attr("success", {"boolValue": True}),
        otlp_attr("files", {"arrayValue": {"values": [{"stringValue": "a"}]}}),
        otlp_attr("nothing", {}),
        otlp_attr("tool_parameters", {"stringValue": "rm -rf /tmp/secret"}),
    ]
    record = {"timeUnixNano": "1793603561000000000", "severityText": "INFO", "body": {"stringValue": "x"}}
    logs = {
        "resourceLogs": [
            {
                "resource": {"attributes": [otlp_attr("service.name", {"stringValue": "claude-code"})]},
                "scopeLogs": [
                    {"scope": {"name": "events", "version": "1"}, "logRecords": [record | {"attributes": attributes}]},
                    {"scope": {"name": "other"}, "logRecords": [record, record]},
                ],
            }
        ]
    }
    point = {
        "attributes": [otlp_attr("type", {"stringValue": "input"})],
        "timeUnixNano": "1793603561000000000",
        "asDouble": 94.0,
    }
    metrics = {
        "resourceMetrics": [
            {
                "scopeMetrics": [
                    {
                        "metrics": [
                            {
                                "name": "tokens",
                                "sum": {
                                    "dataPoints": [point, point | {"asDouble": 5}],
                                    "aggregationTemporality": 1,
                                    "isMonotonic": True,
                                },
                            },
                            {
                                "name": "latency",
                                "histogram": {
                                    "dataPoints": [{"timeUnixNano": "1793603561000000000", "count": "3", "sum": 1.5}]
                                },
                            },
                            {"name": "untyped"},
                        ]
                    }
                ]
            }
        ]
    }
    write_lines(
        tmp_path / "landing" / "otel" / "dev" / "export.jsonl",
        [
            enc(logs),  # 1: three log records
            enc(metrics),  # 2: three points
            b'{"resourceLogs": [',  # 3 invalid JSON
            enc({"resourceLogs": {"not": "a list"}}),  # 4 wrong type
            enc({"something": "else"}),  # 5 not an export
            enc({"resourceLogs": []}),  # 6 no records
            enc({"resourceLogs": [1, {"scopeLogs": {"logRecords": []}}]}),  # 7 parts of the wrong shape
            b"",  # 8 blank
            "\ufeff\ufeff".encode() + enc(metrics),  # 9 byte-order marks before an export: its three points
            "\ufeff".encode(),  # 10 only a byte-order mark: blank
        ],
    )
    warehouse = tmp_path / "w.duckdb"
    assert otel_reasons(tmp_path / "landing", warehouse) == {
        3: "invalid_json",
        4: "wrong_type:resource_list",
        5: "not_an_otlp_export",
        6: "no_records",
        7: "no_records",
        8: "blank_line",
        10: "blank_line",
    }
    rows = query(
        warehouse,
        "select _record_index, scope_name, attributes, attribute_types, redacted_attributes "
        "from raw.otel_log_records order by _record_index",
    )
    assert [(r[0], r[1]) for r in rows] == [(0, "events"), (1, "other"), (2, "other")]
    values, kinds, redacted = rows[0][2:]
    assert values == {
        "event.name": "tool_result",
        "duration_ms": "37",
        "sequence": "5",
        "cost_usd": "1.5e-7",
        "success": "true",
        "nothing": "{}",
    }
    assert kinds == {
        "duration_ms": "intValue",
        "sequence": "intValue",
        "cost_usd": "doubleValue",
        "success": "boolValue",
        "nothing": "empty",
    }
    assert redacted == {
        "tool_parameters": len("rm -rf /tmp/secret"),
        "escaped": len('caf\u00e9 "q"'.encode()),
        "files": len('{"arrayValue":{"values":[{"stringValue":"a"}]}}'),
    }
    points = query(
        warehouse,
        "select metric_name, metric_type, aggregation_temporality, is_monotonic, as_int, as_double "
        "from raw.otel_metric_points order by _line_number, _record_index",
    )
    assert points == 2 * [
        ("tokens", "sum", 1, True, None, 94.0),
        ("tokens", "sum", 1, True, None, 5.0),
        ("latency", "histogram", None, None, "3", 1.5),
    ]
    assert_each_line_once(tmp_path / "landing", warehouse)
    assert "secret" not in warehouse.read_bytes().decode("latin-1")


def test_otel_exports_with_a_record_the_staging_models_cannot_read_are_quarantined_whole(tmp_path: Path) -> None:
    """Every staging row needs a time, a log record an event name, a metric point its metric's name and a value:
    one record without them would fail the staging models' not-null tests, and so every dbt build after it
    (nothing would publish until someone removed the file). Its export is quarantined whole, as one dated
    outside the plausible window is, with the first such record's reason; a record with an event.timestamp but
    no timeUnixNano, or named by its body alone, is read."""
    nanos = "1793603561000000000"
    named = {"key": "event.name", "value": {"stringValue": "api_request"}}

    def logs(*records: dict) -> bytes:
        return enc({"resourceLogs": [{"scopeLogs": [{"logRecords": list(records)}]}]})

    def metrics(*metric_list: dict) -> bytes:
        return enc({"resourceMetrics": [{"scopeMetrics": [{"metrics": list(metric_list)}]}]})

    good_log = {"timeUnixNano": nanos, "attributes": [named]}
    good_metric = {"name": "claude_code.cost.usage", "sum": {"dataPoints": [{"timeUnixNano": nanos, "asDouble": 1.5}]}}
    stamped = {"key": "event.timestamp", "value": {"stringValue": "2026-11-01T10:00:00Z"}}
    write_lines(
        tmp_path / "landing" / "otel" / "dev" / "export.jsonl",
        [
            logs(good_log, {"attributes": [named]}),  # 1: no time at all
            logs(good_log, {"timeUnixNano": nanos}),  # 2: no event name, no body
            logs({"attributes": [named, stamped]}, {"timeUnixNano": nanos, "body": {"stringValue": "user_prompt"}}),
            metrics(good_metric, {"sum": {"dataPoints": [{"timeUnixNano": nanos, "asInt": "3"}]}}),  # 4: no name
            metrics(good_metric, {"name": "x", "gauge": {"dataPoints": [{"timeUnixNano": nanos}]}}),  # 5: no value
            metrics({"name": "x", "gauge": {"dataPoints": [{"asInt": "2"}]}}),  # 6: a point with no time
            logs({"timeUnixNano": "1000", "attributes": [named]}, {"attributes": [named]}),  # 7: 1970 comes first
            metrics(good_metric),  # 8: read
        ],
    )
    warehouse = tmp_path / "w.duckdb"
    assert otel_reasons(tmp_path / "landing", warehouse) == {
        1: "missing_field:timeUnixNano",
        2: "missing_field:event.name",
        4: "missing_field:name",
        5: "missing_field:value",
        6: "missing_field:timeUnixNano",
        7: "implausible_value:timestamp",
    }
    assert query(warehouse, "select _line_number, count(*) from raw.otel_log_records group by 1") == [(3, 2)]
    assert query(warehouse, "select _line_number, count(*) from raw.otel_metric_points group by 1") == [(8, 1)]
    assert_each_line_once(tmp_path / "landing", warehouse)


def test_a_tool_call_without_a_name_is_named_by_the_empty_names_hash(tmp_path: Path) -> None:
    """The staging models require a tool call's name (a null failed their tests, and so every build after it):
    a tool_use block without one is named by the empty name's hash; other blocks keep no name."""
    blocks = [
        {"type": "tool_use", "id": "toolu_01abcdef", "input": {}},
        {"type": "tool_use", "id": "toolu_02abcdef", "name": "Bash", "input": {"command": "ls"}},
        {"type": "text", "text": "done"},
    ]
    message = {"id": "msg_00000001", "role": "assistant", "content": blocks}
    landing = tmp_path / "landing"
    write_lines(
        landing / "claude_code" / "dev" / "projects" / "p" / "s.jsonl",
        [enc(good_record(type="assistant", message=message))],
    )
    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    names = query(
        warehouse,
        "select b.kind, b.tool_name from raw.claude_code_records, unnest(content_blocks) as t(b) "
        "order by b.tool_use_id",
    )
    assert names == [("tool_use", opaque("")), ("tool_use", "Bash"), ("text", None)]


def test_a_tool_results_keys_are_plain_names_or_hashes_and_an_older_warehouses_are_made_so_once(
    tmp_path: Path,
) -> None:
    """A tool result's keys are data: one keyed by file names or by what a user typed kept that text in raw
    (found by tests/fuzz.py's shapes). A key that is not a plain name is stored as its hash; a warehouse
    loaded before holds the keys as written, and the migration hashes them once, as a load of today would."""
    result = {"stdout": "ok", "src/app.py": 3, "what the user typed": {}, "\u0000": None}
    landing = tmp_path / "landing"
    write_lines(
        landing / "claude_code" / "dev" / "projects" / "p" / "s.jsonl",
        [enc(good_record(toolUseResult=result)), enc(good_record(uuid="u-2", toolUseResult={"stdout": "x"}))],
    )
    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    keys = "select _line_number, tool_use_result.keys from raw.claude_code_records order by _line_number"
    hashed = ["stdout"] + [opaque(k) for k in list(result)[1:]]
    assert query(warehouse, keys) == [(1, hashed), (2, ["stdout"])]
    # A warehouse from before: the keys as written; the migration not yet run.
    con = duckdb.connect(str(warehouse))
    con.execute(
        "update raw.claude_code_records set tool_use_result = struct_update(tool_use_result, keys := ?) "
        "where _line_number = 1",
        [list(result)],
    )
    con.execute("delete from raw.schema_migrations where name = 'migrate_claude_code_result_keys'")
    con.close()
    assert query(warehouse, keys)[0] == (1, list(result))
    load(landing, warehouse)
    assert query(warehouse, keys) == [(1, hashed), (2, ["stdout"])]
    migrations = "select count(*) from raw.schema_migrations where name = 'migrate_claude_code_result_keys'"
    assert query(warehouse, migrations) == [(1,)]


def test_otel_numbers_the_staging_models_cannot_use_are_kept_as_no_value(tmp_path: Path) -> None:
    """A token count that is not a whole number >= 0, or a cost or duration that is negative, infinite or
    beyond 1e12, failed the staging models' tests or the money cast, and so every dbt build after it. Such a
    number is kept as its hash (no value to the staging models), as text would be; usable ones are kept."""
    attributes = [
        otlp_attr("event.name", {"stringValue": "api_request"}),
        otlp_attr("input_tokens", {"intValue": "-4"}),
        otlp_attr("cache_read_tokens", {"stringValue": "1e400"}),
        otlp_attr("output_tokens", {"intValue": "7"}),
        otlp_attr("cost_usd", {"doubleValue": -0.5}),
        otlp_attr("duration_ms", {"stringValue": "1e400"}),
        otlp_attr("cache_creation_tokens", {"intValue": 12}),
    ]
    record = {"timeUnixNano": "1793603561000000000", "attributes": attributes}
    landing = tmp_path / "landing"
    write_lines(
        landing / "otel" / "dev" / "export.jsonl",
        [enc({"resourceLogs": [{"scopeLogs": [{"logRecords": [record]}]}]})],
    )
    warehouse = tmp_path / "w.duckdb"
    assert otel_reasons(landing, warehouse) == {}
    ((kept,),) = query(warehouse, "select attributes from raw.otel_log_records")
    opaque = dict(query(warehouse, "select v, 'h:' || left(md5(v), 20) from unnest(['-4', '1e400', '-0.5']) as t(v)"))
    assert kept == {
        "event.name": "api_request",
        "input_tokens": opaque["-4"],
        "cache_read_tokens": opaque["1e400"],
        "output_tokens": "7",
        "cost_usd": opaque["-0.5"],
        "duration_ms": opaque["1e400"],
        "cache_creation_tokens": "12",
    }


def test_otel_attributes_without_a_key_are_kept_under_the_empty_keys_hash(tmp_path: Path) -> None:
    """OTLP requires each attribute's key, but an exporter may leave it out, write null, or write something
    that is not a key-value object at all. Such an attribute is read as the empty key (stored as its hash,
    as any key that is not a plain name): its record loads, in log records, metric points and resources alike.
    A map cannot hold a null key, so these once failed every load until the file was removed."""
    keyless = [
        {"value": {"stringValue": "no key here"}},
        {"key": None, "value": {"intValue": "3"}},
        "not a key-value object",
        {"key": "event.name", "value": {"stringValue": "tool_result"}},
    ]
    record = {"timeUnixNano": "1793603561000000000", "body": {"stringValue": "x"}, "attributes": keyless}
    logs = {
        "resourceLogs": [
            {"resource": {"attributes": keyless[:1]}, "scopeLogs": [{"logRecords": [record]}]},
        ]
    }
    point = {"attributes": keyless[1:], "timeUnixNano": "1793603561000000000", "asInt": "7"}
    metrics = {
        "resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "tokens", "gauge": {"dataPoints": [point]}}]}]}]
    }
    landing = tmp_path / "landing"
    write_lines(landing / "otel" / "dev" / "export.jsonl", [enc(logs), enc(metrics)])
    warehouse = tmp_path / "w.duckdb"
    assert otel_reasons(landing, warehouse) == {}
    empty_key = query(warehouse, "select 'h:' || left(md5(''), 20)")[0][0]
    ((resource, attributes, kinds, redacted),) = query(
        warehouse,
        "select resource_attributes, attributes, attribute_types, redacted_attributes from raw.otel_log_records",
    )
    # In each map the first keyless attribute wins, as any repeated key's first entry does; text is kept only
    # as its size, a number as itself.
    assert attributes == {empty_key: "3", "event.name": "tool_result"}
    assert kinds == {empty_key: "intValue"}
    assert redacted == {empty_key: len("no key here")}
    assert resource == {}
    ((point_attributes, point_kinds),) = query(
        warehouse, "select attributes, attribute_types from raw.otel_metric_points"
    )
    assert point_attributes == {empty_key: "3", "event.name": "tool_result"}
    assert point_kinds == {empty_key: "intValue"}
    assert_each_line_once(landing, warehouse)


def test_otel_record_indexes_run_on_across_resources_and_scopes(tmp_path: Path) -> None:
    """An export's records are numbered 0, 1, 2, ... in document order across all its resources and scopes;
    parts of the wrong shape, empty scopes and absent record lists hold no numbers."""

    def scope(*names: str) -> dict:
        records = [{"timeUnixNano": "1793603561000000000", "body": {"stringValue": n}} for n in names]
        return {"scope": {"name": "s"}, "logRecords": records}

    logs = {
        "resourceLogs": [
            {"scopeLogs": [scope("a", "b"), {"scope": {"name": "empty"}}, scope()]},
            7,  # not a resource: it holds no records
            {"scopeLogs": [{"logRecords": "not a list"}, scope("c"), scope("d", "e")]},
            {"scopeLogs": [scope("f")]},
        ]
    }
    write_lines(tmp_path / "landing" / "otel" / "dev" / "export.jsonl", [enc(logs), enc(logs)])
    warehouse = tmp_path / "w.duckdb"
    load(tmp_path / "landing", warehouse)
    rows = query(warehouse, "select _line_number, _record_index, body from raw.otel_log_records order by 1, 2")
    assert rows == [(line, index, name) for line in (1, 2) for index, name in enumerate("abcdef")]


def test_real_transcripts_every_line_accounted(real_landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    summary = load(real_landing, warehouse)
    expected = file_lines(real_landing)
    assert summary.rows_loaded + summary.rows_quarantined == len(expected)
    assert_each_line_once(real_landing, warehouse)
    # Kinds and sizes survive: tool calls with names, tool results with outcomes.
    tools = query(
        warehouse,
        "select b.tool_name, count(*) from raw.claude_code_records, unnest(content_blocks) as t(b) "
        "where b.kind = 'tool_use' group by 1",
    )
    assert sum(n for _, n in tools) > 50
    assert summary.rows_quarantined == 0, "the real transcripts are well-formed"


@pytest.mark.parametrize("workers", [1, 2])
def test_generator_is_deterministic(tmp_path: Path, workers: int) -> None:
    from orchestration.generator import GenerateConfig, generate

    def digest(out: Path) -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    a, b = tmp_path / "a", tmp_path / "b"
    generate(GenerateConfig(out=a, developers=6, days=5, seed=3, workers=1))
    generate(GenerateConfig(out=b, developers=6, days=5, seed=3, workers=workers))
    assert digest(a) == digest(b)

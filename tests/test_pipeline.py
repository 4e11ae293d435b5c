"""The main job end to end: `ai-telemetry run` on generated data and on real transcripts, and its CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import accounted_lines, digests, file_lines, independent_daily, query, usage_lines
from fuzz import plant_random_shapes, plant_random_values

from orchestration.cli import build_parser, main
from orchestration.dbt import PARSED_FOR, PARTIAL_PARSE, keep_run_target, run_dbt, run_target, target_path
from orchestration.paths import PROJECT_DIR
from orchestration.publish import reader_files


def independent_usage(landing: Path) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """Tokens per API response read straight from the files, keeping each response's largest line."""
    best: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for key, _day, tokens in usage_lines(landing / "claude_code"):
        if key not in best or sum(tokens) > sum(best[key]):
            best[key] = tokens
    return best


def run_main(home: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(home))
    return main(list(argv))


@pytest.mark.slow
def test_run_generates_loads_builds_and_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    home = tmp_path / "home"
    # Four weekdays ending on the latest Friday: the generator's developers work 12% of weekend days against
    # 85% of weekdays, so a sample ending on a Sunday had 4 of 8 developers active (below the 6 checked here).
    today = datetime.now(UTC).date()
    end = today - timedelta(days=(today.weekday() - 4) % 7)
    assert run_main(home, monkeypatch, "run", "--developers", "8", "--days", "4", "--end", end.isoformat()) == 0
    out = capfd.readouterr().out
    assert "generated a sample organisation" in out and "run complete" in out
    # Each step printed live as it ended (the terminal's own stdout, not the redirected one).
    assert re.search(r"dbt_models +ok +[0-9.]+ s +[0-9]+ asset\(s\) materialised", out), out
    warehouse = home / "warehouse.duckdb"
    staged = query(
        warehouse,
        "select count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens) "
        "from staging.stg_claude_code__api_usage",
    )[0]
    expected = independent_usage(home / "landing")
    assert staged[0] == len(expected)
    assert tuple(int(x) for x in staged[1:]) == tuple(sum(t[i] for t in expected.values()) for i in range(4))
    developers = query(warehouse, "select count(*), count(distinct team) from staging.stg_org__developers")[0]
    assert developers == (8, 3)

    files = reader_files(home / "published")
    assert [p.name for a in ("org", "platform", "product") for p in files[a]] == [
        "org.duckdb",
        "platform.duckdb",
        "product.duckdb",
    ]
    active = query(
        warehouse,
        "select developer_id from marts.developer_daily_v1 union select developer_id from "
        "marts.developer_tool_usage_v1",
    )
    assert sorted(p.stem for p in files["developer"]) == sorted(d for (d,) in active) and len(active) >= 6
    teams = query(
        warehouse,
        "select team from marts.team_weekly_v2 union select team from marts.team_member_weekly_v1 "
        "union select team from marts.team_interaction_patterns_v1",
    )
    assert sorted(p.stem for p in files["team"]) == sorted(t for (t,) in teams)

    # A second run finds the landing folder full and loaded, and the project unchanged: it does nothing, in
    # seconds, and what is published stays as it is.
    before = digests(home / "published")
    batches = query(warehouse, "select count(*) from raw.load_batches")
    assert run_main(home, monkeypatch, "run") == 0
    out = capfd.readouterr().out
    assert "generated" not in out and "nothing new since the last run" in out
    assert query(warehouse, "select count(*) from raw.load_batches") == batches
    assert digests(home / "published") == before

    # One new line is something new: the next run runs the job, loads it, and publishes again.
    transcript = max((home / "landing" / "claude_code").rglob("*.jsonl"), key=lambda p: p.stat().st_size)
    last = transcript.read_bytes().splitlines()[-1]
    with transcript.open("ab") as handle:
        handle.write(last.replace(b'"uuid":"', b'"uuid":"again-', 1) + b"\n")
    assert run_main(home, monkeypatch, "run") == 0
    out = capfd.readouterr().out
    assert "run complete" in out
    last_batch = query(warehouse, "select lines_loaded from raw.load_batches order by started_at desc limit 1")
    assert last_batch == [(1,)]
    assert digests(home / "published") != before
    # The home's second Dagster build did not parse the project again: dbt reused the first build's state. dbt
    # writes its saved parse whenever it parses anything (its metadata names the invocation), and logs why it could
    # not reuse one at info, the level of its log file here.
    runs = sorted((home / "dbt_runs").iterdir(), key=lambda p: p.stat().st_mtime)
    assert len(runs) == 2
    assert (runs[-1] / PARTIAL_PARSE).read_bytes() == (runs[0] / PARTIAL_PARSE).read_bytes()
    dbt_log = "".join(p.read_text() for p in runs[-1].glob("dbt.log*"))
    assert "Found " in dbt_log and "Unable to do partial parsing" not in dbt_log
    again = query(
        warehouse,
        "select count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens) "
        "from staging.stg_claude_code__api_usage",
    )[0]
    assert again[0] >= staged[0]


def plant_bad_values(landing: Path) -> None:
    """Values that a staging model could not cast, or days the gate would refuse, beside the generated ones: a
    19-digit token count, "n/a" and a blank where Cursor's export has token counts, a Cursor request ten years
    ahead, a word where its daily usage has a count, a 20-digit OTel time and an OTel export ten years ahead."""
    transcript = next(p for p in sorted(landing.glob("claude_code/**/*.jsonl")) if b'"usage"' in p.read_bytes())
    line = next(json.loads(x) for x in transcript.read_bytes().splitlines() if b'"usage"' in x)
    line["uuid"], line["message"]["id"] = "0000000c-1111-4222-8333-444455556666", "msg_planted0001"
    line["message"]["usage"]["input_tokens"] = 9_999_999_999_999_999_999
    with transcript.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    events = sorted(landing.glob("cursor/usage_events/*.csv"))[0]
    rows = events.read_text().splitlines()
    fields = rows[1].split(",")
    rows.append(",".join([*fields[:5], "n/a", *fields[6:]]))
    rows.append(",".join([*fields[:5], "", "", "", "", "", *fields[10:]]))
    rows.append(",".join(["2036" + fields[0][4:], *fields[1:]]))
    # One count left blank, the others kept: the gate's token reconciliation once dropped the row from one side.
    rows.append(",".join([*fields[:5], "", *fields[6:]]))
    events.write_text("\n".join(rows) + "\n")
    daily = sorted(landing.glob("cursor/daily_usage/*.json"))[0]
    export = json.loads(daily.read_text())
    export["data"].append(export["data"][0] | {"totalLinesAdded": "many"})
    daily.write_text(json.dumps(export))
    otel = sorted(landing.glob("otel/**/*.jsonl"))[0]
    first = otel.read_bytes().splitlines()[0]
    planted = re.sub(rb'"timeUnixNano":"[0-9]+"', b'"timeUnixNano":"99999999999999999999"', first, count=1)
    ahead = re.sub(rb'("event.timestamp","value":\{"stringValue":")[0-9]{4}', rb"\g<1>2036", first, count=1)
    with otel.open("ab") as handle:
        handle.write(planted + b"\n" + ahead + b"\n")


@pytest.mark.slow
def test_a_bad_value_in_any_source_is_quarantined_and_the_run_still_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    """Each planted value is caught at the load (quarantined with its field, or kept as no value) and the run
    builds, passes its gate and publishes. Before, the Cursor value failed the dbt build of every run and the
    token count failed the load itself: nothing published until someone edited the files."""
    from orchestration.generator import GenerateConfig, generate

    home = tmp_path / "home"
    generate(GenerateConfig(out=home / "landing", developers=6, days=3, seed=5, workers=1))
    plant_bad_values(home / "landing")
    assert run_main(home, monkeypatch, "run") == 0
    assert "run complete" in capfd.readouterr().out
    warehouse = home / "warehouse.duckdb"
    reasons = {r for (r,) in query(warehouse, "select reason from raw.quarantine")}
    assert reasons == {
        "invalid_value:message.usage",
        "invalid_value:Input (w/ Cache Write)",
        "implausible_value:Date",
        "wrong_type:totalLinesAdded",
        "implausible_value:timestamp",
    }
    blanks = "select count(*) from staging.stg_cursor__usage_events where input_tokens is null and total_tokens is null"
    assert query(warehouse, blanks) == [(1,)]
    assert query(warehouse, "select count(*) from raw.otel_log_records where time_unix_nano is null") == [(1,)]
    assert list((home / "published" / "developers").glob("*.duckdb"))


@pytest.mark.slow
def test_random_bad_values_in_every_source_never_stop_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    """Values replaced at random in a generated organisation's transcripts, OpenTelemetry exports and Cursor
    exports (tests/fuzz.py: wrong types, absent and empty values, numbers beyond 64 bits, far dates), then
    shapes changed (fields, record and block types, columns): the run
    loads, builds, passes its gate and publishes, and every line is loaded or quarantined once. Before stop 39
    this seed's values failed the load (an OTel attribute without a key), then, each fixed in turn, the dbt
    build (a Cursor cost of 1e400 in the money cast) and the gate (a blank Cursor count in the token
    reconciliation)."""
    from orchestration.generator import GenerateConfig, generate

    home = tmp_path / "home"
    generate(GenerateConfig(out=home / "landing", developers=6, days=4, seed=4, workers=1))
    changed = plant_random_values(home / "landing", seed=4, share=0.15)
    assert changed["claude_code"] > 50 and changed["otel"] > 20 and changed["cursor_usage_events"] > 10, changed
    # And shapes no version wrote yet: fields with odd keys, deep and long values, new record and block types,
    # repeated keys, CSV columns added, dropped, reordered or named twice.
    reshaped = plant_random_shapes(home / "landing", seed=4, share=0.1)
    assert reshaped["claude_code"] > 30 and reshaped["otel"] > 10 and reshaped["cursor_usage_events"] > 0, reshaped
    assert run_main(home, monkeypatch, "run") == 0
    assert "run complete" in capfd.readouterr().out
    raw, quarantined = accounted_lines(home / "warehouse.duckdb")
    assert len(raw) == len(set(raw)) and len(quarantined) == len(set(quarantined))
    assert not set(raw) & set(quarantined)
    assert file_lines(home / "landing") <= set(raw) | set(quarantined)
    assert list((home / "published" / "developers").glob("*.duckdb"))


def test_a_run_target_starts_from_the_homes_parse_state_and_only_the_newest_stay(tmp_path: Path) -> None:
    saved = target_path(tmp_path) / PARTIAL_PARSE
    saved.parent.mkdir()
    saved.write_bytes(b"state 0")
    (saved.parent / PARSED_FOR).write_text("/elsewhere/ai-telemetry")
    other = run_target(tmp_path, "other")
    assert not (other / PARTIAL_PARSE).exists()  # made for another checkout: not taken
    shutil.rmtree(other)
    (saved.parent / PARSED_FOR).write_text(str(PROJECT_DIR))
    for run in range(4):
        target = run_target(tmp_path, f"run-{run}")
        assert (target / PARTIAL_PARSE).read_bytes() == f"state {run}".encode()
        (target / PARTIAL_PARSE).write_bytes(f"state {run + 1}".encode())  # what dbt saves after parsing
        os.utime(target, (run, run))
        keep_run_target(tmp_path, target, kept=2)
        assert saved.read_bytes() == f"state {run + 1}".encode()
    assert sorted(p.name[:5] for p in (tmp_path / "dbt_runs").iterdir()) == ["run-2", "run-3"]
    assert not list(saved.parent.glob(f".{PARTIAL_PARSE}*"))


def test_a_moved_checkout_reads_its_own_seed_files(tmp_path: Path) -> None:
    """dbt's saved parse keeps every node's absolute path: after the checkout moves (the default data home is
    inside it), the next parse must point the seeds at the new place, not the old one."""
    home, old, new = tmp_path / "home", tmp_path / "old", tmp_path / "new"
    old.mkdir()
    for name in ("dbt_project.yml", "profiles", "models", "seeds", "macros", "tests/dbt"):
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, old / name)
        else:
            shutil.copy2(source, old / name)
    assert run_dbt("parse", home=home, project_dir=old, capture=True).returncode == 0
    old.rename(new)
    parsed = run_dbt("parse", home=home, project_dir=new, capture=True)
    assert parsed.returncode == 0, parsed.stdout[-2000:]
    manifest = json.loads((target_path(home) / "manifest.json").read_text())
    seeds = [node for node in manifest["nodes"].values() if node["resource_type"] == "seed"]
    assert seeds and {node["root_path"] for node in seeds} == {str(new)}


@pytest.mark.slow
def test_run_on_real_transcripts_alone(real_landing: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """A single developer's transcripts and nothing else: loads, builds, and developer_daily's tokens per
    day equal an independent keep-largest count; where responses repeat, ccusage (keep-first) differs only
    in output tokens, by exactly what keep-first drops."""
    home = real_landing.parent
    assert run_main(home, monkeypatch, "run") == 0
    rows = query(
        home / "warehouse.duckdb",
        "select cast(activity_date as varchar), input_tokens, output_tokens, cache_creation_tokens, "
        "cache_read_tokens from marts.developer_daily_v1",
    )
    ours = {day: tuple(tokens) for day, *tokens in rows}
    cost = dict(
        query(
            home / "warehouse.duckdb", "select cast(activity_date as varchar), cost_usd from marts.developer_daily_v1"
        )
    )
    assert ours == independent_daily(real_landing, keep="largest")
    assert len(ours) == 2 and all(t[1] > 0 for t in ours.values())
    # The developer's own `stats today`, from their one published file (no --developer: the only one there).
    for day, tokens in ours.items():
        capsys.readouterr()
        assert run_main(home, monkeypatch, "stats", "today", "--date", day, "--json") == 0
        answer = json.loads(capsys.readouterr().out)
        kinds = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")
        assert answer["developer_id"] == "viewer"
        assert tuple(answer["current"][k] for k in kinds) == tokens, day
    ccusage, ccusage_costs = ccusage_daily(real_landing, home)
    first = independent_daily(real_landing, keep="first")
    assert ccusage == first, "the independent keep-first count reproduces ccusage exactly"
    for day, (inp, out, create, read) in ours.items():
        assert (inp, create, read) == (ccusage[day][0], ccusage[day][2], ccusage[day][3])
        assert out >= ccusage[day][1]
        # Cost within 1% of ccusage's, once the output tokens ccusage's keep-first drops are priced
        # (claude-sonnet-4: $15 per million output tokens).
        expected = ccusage_costs[day] + (out - ccusage[day][1]) * 15 / 1_000_000
        assert cost[day] > 0 and abs(cost[day] - expected) <= 0.01 * cost[day], (day, cost[day], expected)


def ccusage_daily(landing: Path, home: Path) -> tuple[dict[str, tuple[int, int, int, int]], dict[str, float]]:
    """ccusage 18.0.11's daily tokens and cost on the same transcripts; skips where npm cannot install it."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    prefix = home / "ccusage"
    install = subprocess.run(
        [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), "ccusage@18.0.11"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if install.returncode != 0:
        pytest.skip(f"npm could not install ccusage: {install.stderr[-300:]}")
    config_dir = home / "claude_config"
    (config_dir / "projects").mkdir(parents=True)
    for project in (landing / "claude_code" / "viewer" / "projects").iterdir():
        shutil.copytree(project, config_dir / "projects" / project.name)
    result = subprocess.run(
        [str(prefix / "node_modules" / ".bin" / "ccusage"), "daily", "--json", "--offline"],
        env={**os.environ, "CLAUDE_CONFIG_DIR": str(config_dir), "TZ": "UTC"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    daily = json.loads(result.stdout)["daily"]
    tokens = {
        row["date"]: (row["inputTokens"], row["outputTokens"], row["cacheCreationTokens"], row["cacheReadTokens"])
        for row in daily
    }
    return tokens, {row["date"]: row["totalCost"] for row in daily}


@pytest.mark.slow
def test_dagsters_dbt_resource_starts_dbt_once_and_opens_no_adapter(tmp_path: Path, monkeypatch) -> None:
    """A Dagster dbt step starts its dbt command at once: the resource knows dbt's version without starting dbt
    to ask it, and opens no dbt adapter in Dagster's process (dagster-dbt's defaults: 5.5-6.5 s before each
    command), and the command runs as before, its log file at info."""
    from importlib.metadata import version

    from packaging.version import Version

    from orchestration.defs import resources

    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args, *rest, **kwargs):
        started.append(list(args))
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setenv("AI_TELEMETRY_HOME", str(tmp_path))
    monkeypatch.setattr(subprocess, "Popen", popen)
    invocation = resources.dbt.cli(
        ["ls", "--select", "stg_org__developers", "--resource-type", "model", "--output", "name"],
        raise_on_error=False,
        target_path=tmp_path / "target",
    )
    invocation.wait()
    assert invocation.is_successful() and invocation.adapter is None
    assert invocation.cli_version == Version(version("dbt-core"))
    assert [args[1:2] for args in started] == [["--log-level-file"]], started  # one dbt process, the command's own
    assert started[0][3] == "ls", started
    # Its log file, as outside Dagster, at info: dbt's default (debug) logged each of its queries there.
    logged = [json.loads(line)["info"]["level"] for line in (tmp_path / "target" / "dbt.log").read_text().splitlines()]
    assert "info" in logged and "debug" not in logged, logged


HEAVY_MODULES = ("dbt", "dagster_dbt", "great_expectations", "matplotlib", "reportlab", "streamlit", "scipy")


@pytest.mark.parametrize(
    ("definitions", "expected"),
    [("orchestration.definitions", ["dagster_dbt", "dbt"]), ("orchestration.fresh_definitions", [])],
)
def test_dagster_processes_load_only_what_their_work_needs(definitions: str, expected: list[str]) -> None:
    """Every Dagster process (code server, run worker, step) loads its definitions before any work: the full
    run's import dbt for its assets but leave GX and the reports' plotting to the steps that use them (matplotlib
    alone was 1.3 s of every load), and the fresh path's, whose runs start every few seconds, import none."""
    code = f"import sys, {definitions}; print(' '.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(loaded) == expected


def test_the_full_run_steps_share_the_run_workers_process() -> None:
    """Under `dagster dev` (and its schedule and sensor) the full run's chained steps run in the run worker, as in
    `ai-telemetry run`: a process per step reloaded the definitions and GX five times (25 s of an 88 s run)."""
    from dagster import in_process_executor

    from orchestration.definitions import defs

    for name in ("full_run", "validate_and_publish"):
        assert defs.resolve_job_def(name).executor_def is in_process_executor, name


def test_the_dbt_step_imports_gx_only_where_the_gate_follows_in_its_process() -> None:
    """The dbt step starts GX's import on a thread (the gate then starts at once) when the gate runs next in the
    same process, and only then: an ad hoc materialisation runs a process per step, and a run may leave the gate out."""
    from dagster import AssetCheckKey

    from orchestration.definitions import defs
    from orchestration.defs.checks import gates_in_this_process, great_expectations_gate

    full_run = defs.resolve_job_def("full_run")
    gate = set(great_expectations_gate.check_keys)
    computed = {key for key in gate if key.name.startswith("gx_")}
    assert computed and computed < gate
    assert gates_in_this_process(full_run, None)
    assert gates_in_this_process(full_run, frozenset(gate))
    assert gates_in_this_process(full_run, frozenset(computed))  # the gate's checks run together
    assert not gates_in_this_process(full_run, frozenset())
    assert not gates_in_this_process(full_run, frozenset({AssetCheckKey(next(iter(gate)).asset_key, "other")}))
    assert not gates_in_this_process(defs.resolve_implicit_global_asset_job_def(), None)


def test_every_subcommand_explains_itself() -> None:
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    assert {"generate", "load", "run"} <= set(subcommands)
    for name in ("generate", "load", "run"):
        result = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", name, "--help"], capture_output=True, text=True, check=True
        )
        assert subcommands[name].description.split()[0] in result.stdout
        assert "--help" in result.stdout


def test_load_refuses_a_missing_landing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    code = run_main(tmp_path, monkeypatch, "load", "--landing", str(tmp_path / "nowhere"))
    assert code == 2
    assert "does not exist" in capsys.readouterr().err

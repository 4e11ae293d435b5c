"""The main job end to end: `ai-telemetry run` on generated data and on real transcripts, and its CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import query

from orchestration.cli import build_parser, main


def independent_usage(landing: Path) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """Tokens per API response read straight from the files, keeping each response's largest line."""
    best: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for path in landing.glob("claude_code/**/*.jsonl"):
        for line in path.read_bytes().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            message = record.get("message") if isinstance(record, dict) else None
            if record.get("type") != "assistant" or not isinstance(message, dict) or "id" not in message:
                continue
            usage = message.get("usage") or {}
            tokens = tuple(
                int(usage.get(k) or 0)
                for k in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
            )
            key = (message["id"], record.get("requestId") or "")
            if key not in best or sum(tokens) > sum(best[key]):
                best[key] = tokens
    return best


def run_main(home: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(home))
    return main(list(argv))


@pytest.mark.slow
def test_run_generates_loads_builds_and_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    home = tmp_path / "home"
    assert run_main(home, monkeypatch, "run", "--developers", "8", "--days", "7") == 0
    out = capsys.readouterr().out
    assert "generated a sample organisation" in out and "run complete" in out
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

    # A second run finds the landing folder full: no generation, nothing new loaded, same staged numbers.
    assert run_main(home, monkeypatch, "run") == 0
    out = capsys.readouterr().out
    assert "generated" not in out and "0 rows loaded" in out
    again = query(
        warehouse,
        "select count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens) "
        "from staging.stg_claude_code__api_usage",
    )[0]
    assert again == staged


@pytest.mark.slow
def test_run_on_real_transcripts_alone(real_landing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A single developer's transcripts and nothing else: loads and builds; tokens match per response."""
    home = real_landing.parent
    assert run_main(home, monkeypatch, "run") == 0
    per_day = defaultdict(lambda: [0, 0, 0, 0])
    staged = query(
        home / "warehouse.duckdb",
        "select message_id, coalesce(request_id, ''), input_tokens, output_tokens, cache_creation_tokens, "
        "cache_read_tokens from staging.stg_claude_code__api_usage",
    )
    assert {(m, r): tuple(t) for m, r, *t in staged} == independent_usage(real_landing)
    for _, _, *tokens in staged:
        for i, value in enumerate(tokens):
            per_day["all"][i] += value
    assert per_day["all"][1] > 0


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

"""Local mode: `stats --claude-dir` answers from a ~/.claude read in place, never written, and takes in a
new session on the next question."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from conftest import REALDATA, independent_daily

from orchestration.cli import main
from orchestration.generator import GenerateConfig, generate

pytestmark = pytest.mark.slow
KINDS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")


def ask(home: Path, claude: Path, day: str, monkeypatch: pytest.MonkeyPatch, capsys, *extra: str) -> dict:
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(home))
    capsys.readouterr()
    assert main(["stats", "today", "--date", day, "--claude-dir", str(claude), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def read_only(folder: Path) -> dict[str, bytes]:
    """Makes the folder read-only, as a user's ~/.claude is to us, and returns its bytes to compare after."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_a_claude_folder_in_place_then_a_new_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    landing = tmp_path / "sample"
    generate(GenerateConfig(out=landing, developers=6, days=3, seed=17, workers=1))
    owner, donor_owner = [
        p.name
        for p in sorted((landing / "claude_code").iterdir())
        if independent_daily(landing, keep="largest", owner=p.name)
    ][:2]
    claude = landing / "claude_code" / owner
    expected = independent_daily(landing, keep="largest", owner=owner)
    before = read_only(claude)
    day = max(expected)
    home = tmp_path / "home"
    first = ask(home, claude, day, monkeypatch, capsys, "--developer", owner)
    assert first["source"]["refreshed"] and first["developer_id"] == owner
    assert tuple(first["current"][k] for k in KINDS) == expected[day]
    again = ask(home, claude, day, monkeypatch, capsys, "--developer", owner)
    assert not again["source"]["refreshed"] and again["current"] == first["current"]
    # Another day, nothing changed: answered from the daily rows kept at the last question, without DuckDB.
    other = min(expected)
    kept = ask(home, claude, other, monkeypatch, capsys, "--developer", owner)
    assert kept["source"]["from_kept_rows"] and tuple(kept["current"][k] for k in KINDS) == expected[other]
    assert {str(p): p.read_bytes() for p in claude.rglob("*") if p.is_file()} == before, "the folder was written"

    # A new session: another developer's transcript lands in this folder (a few hundred lines).
    writable(claude)
    donor = sorted((landing / "claude_code" / donor_owner / "projects").rglob("*.jsonl"))[0]
    target = claude / "projects" / "new-project" / donor.name
    target.parent.mkdir(parents=True)
    shutil.copy(donor, target)
    changed = independent_daily(landing, keep="largest", owner=owner)
    day = max(set(changed) - set(expected) or {d for d in changed if changed[d] != expected.get(d)})
    after = ask(home, claude, day, monkeypatch, capsys, "--developer", owner)
    assert after["source"]["refreshed"] and after["source"]["rows_loaded"] > 0
    assert tuple(after["current"][k] for k in KINDS) == changed[day]


def test_the_real_transcripts_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    source = REALDATA / "claude-code-viewer"
    if not (source / "projects").is_dir():
        pytest.skip("../shared/realdata is not present on this machine")
    claude = tmp_path / "claude"
    shutil.copytree(source / "projects", claude / "projects")
    before = read_only(claude)
    landing = tmp_path / "view" / "claude_code"
    landing.mkdir(parents=True)
    (landing / "me").symlink_to(claude)  # the independent count reads <landing>/claude_code/<owner>
    expected = independent_daily(tmp_path / "view", keep="largest", owner="me")
    assert len(expected) >= 2
    for day, tokens in expected.items():
        answer = ask(tmp_path / "home", claude, day, monkeypatch, capsys, "--developer", "me")
        assert tuple(answer["current"][k] for k in KINDS) == tokens, day
    assert {str(p): p.read_bytes() for p in claude.rglob("*") if p.is_file()} == before
    writable(claude)

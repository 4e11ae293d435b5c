"""The fresh path: a new session reaches its developer's published file through the incremental load, the
developer marts' build and gate, and a publish that rewrites only that developer's file; a line the gate
rejects publishes nothing; the sensor asks for a run only when the landing folder changed."""

from __future__ import annotations

import json

import duckdb
import pytest
from conftest import query
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from orchestration.fresh import FreshError, refresh_developer_files
from orchestration.paths import Paths
from orchestration.publish import current_version, file_name
from orchestration.transcript_append import append_new_session

pytestmark = pytest.mark.slow


def _owner_and_developer(paths: Paths) -> tuple[str, str]:
    rows = query(
        paths.warehouse,
        "select transcript_owner, developer_id from intermediate.int_claude_code_sessions_context "
        "group by all order by count(*) desc limit 1",
    )
    return rows[0]


def _inodes(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*.duckdb")}


def test_a_new_session_reaches_only_its_developers_file(home_copy: Paths) -> None:
    paths = home_copy
    owner, developer = _owner_and_developer(paths)
    base = current_version(paths.published)
    before = _inodes(paths.published / "versions" / base)
    project = sorted((paths.landing / "claude_code" / owner / "projects").iterdir())[0]
    session_id = append_new_session(project)

    result = refresh_developer_files(paths)

    assert result.rows_loaded == 3 and result.developers == [developer], result.describe()
    assert current_version(paths.published) == result.version != base
    mine = paths.published / "developers" / f"{file_name(developer)}.duckdb"
    with duckdb.connect(str(mine), read_only=True) as con:
        published = con.execute(
            "select * from developer_sessions_v1 where session_key like ? order by all", [f"%:{session_id}"]
        ).fetchall()
        version = con.execute("select version from publish_info").fetchall()[0][0]
    built = query(
        paths.warehouse,
        "select * from marts.developer_sessions_v1 where session_key like ? order by all",
        [f"%:{session_id}"],
    )
    assert len(published) == 1 and published == built and version == result.version
    # Every other file of the new version is the previous version's file itself (hard-linked), untouched.
    after = _inodes(paths.published / "versions" / result.version)
    assert set(after) == set(before)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"developers/{file_name(developer)}.duckdb"}
    manifest = json.loads((paths.published / "versions" / result.version / "manifest.json").read_text())
    assert manifest["refreshed"] == {"audience": "developer", "subjects": [developer], "removed": [],
                                     "base_version": base}  # fmt: skip
    logged = query(paths.warehouse, "select audience, validation_outcome from raw.publish_log where version = ?",
                   [result.version])  # fmt: skip
    assert logged == [("developer", "passed")]
    # Nothing new: nothing loaded, built or published.
    again = refresh_developer_files(paths)
    assert again.skipped == "no new rows" and current_version(paths.published) == result.version


def test_a_session_the_gate_rejects_publishes_nothing(home_copy: Paths) -> None:
    paths = home_copy
    owner, _ = _owner_and_developer(paths)
    base = current_version(paths.published)
    project = sorted((paths.landing / "claude_code" / owner / "projects").iterdir())[0]
    # Far beyond anything in the developer's history: the plausibility suite holds it back.
    append_new_session(project, output_tokens=50_000_000_000)
    with pytest.raises(FreshError, match="plausibility"):
        refresh_developer_files(paths)
    assert current_version(paths.published) == base
    held = query(paths.warehouse, "select count(*) from raw.publish_log where validation_outcome = 'failed'")
    assert held[0][0] >= 1


def test_a_gate_that_cannot_open_its_project_publishes_nothing(home_copy: Paths) -> None:
    # The fresh path opens the GX project on a thread while dbt builds; its failure must still stop the publish.
    paths = home_copy
    owner, _ = _owner_and_developer(paths)
    base = current_version(paths.published)
    (paths.home / "gx" / "great_expectations.yml").write_text("{not: [valid yaml\n")
    project = sorted((paths.landing / "claude_code" / owner / "projects").iterdir())[0]
    append_new_session(project)
    with pytest.raises(FreshError, match=r"could not open its Great Expectations project.*not a valid yml"):
        refresh_developer_files(paths)
    assert current_version(paths.published) == base


def test_the_sensor_asks_for_a_run_only_when_lines_land(home_copy: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.defs.fresh import fresh_lines
    from orchestration.landing import landing_files, landing_fingerprint

    monkeypatch.setenv("AI_TELEMETRY_HOME", str(home_copy.home))
    with DagsterInstance.ephemeral() as instance:
        first = fresh_lines(build_sensor_context(instance=instance))
        assert isinstance(first, SkipReason) and "already loaded" in first.skip_message
        context = build_sensor_context(instance=instance, cursor=landing_fingerprint(landing_files(home_copy)))
        assert isinstance(fresh_lines(context), SkipReason)
        owner, _ = _owner_and_developer(home_copy)
        append_new_session(sorted((home_copy.landing / "claude_code" / owner / "projects").iterdir())[0])
        assert isinstance(fresh_lines(context), RunRequest)

"""Write-audit-publish: the Great Expectations gate holds back bad marts; publishing is atomic."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.generator import GenerateConfig, generate
from orchestration.loader import load
from orchestration.paths import Paths
from orchestration.pipeline import dbt_build
from orchestration.publish import AUDIENCES, publish
from orchestration.quality import run_gate

# Each fault, as SQL run on the candidate marts, and the suite and expectation that must name it.
FAULTS = {
    "negative tokens": (
        "update marts.developer_daily_v1 set input_tokens = -5 where activity_date = "
        "(select min(activity_date) from marts.developer_daily_v1)",
        "developer_daily_v1",
        "expect_column_values_to_be_between",
    ),
    "duplicate keys": (
        "insert into marts.team_weekly_v1 select * from marts.team_weekly_v1 limit 1",
        "team_weekly_v1",
        "expect_compound_columns_to_be_unique",
    ),
    "null developer": (
        "update marts.developer_weekly_v1 set developer_id = null where week_start = "
        "(select min(week_start) from marts.developer_weekly_v1)",
        "developer_weekly_v1",
        "expect_column_values_to_not_be_null",
    ),
    "cost spike": (
        "update marts.org_daily_v1 set cost_usd = cost_usd * 1000 where activity_date = "
        "(select max(activity_date) from marts.org_daily_v1)",
        "cost_distribution",
        "expect_column_values_to_be_between",
    ),
}


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A generated organisation, built, validated and published once."""
    paths = Paths(tmp_path_factory.mktemp("gate"))
    generate(GenerateConfig(out=paths.landing, developers=16, days=21, seed=9))
    load(paths.landing, paths.warehouse)
    assert dbt_build(paths)
    gate = run_gate(paths)
    assert gate.passed, [f.describe() for f in gate.failures]
    assert gate.suites_run >= 20 and gate.expectations_run > 200
    assert gate.data_docs is not None and gate.data_docs.exists()
    publish(paths)
    return paths


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.duckdb"))}


def test_each_audience_file_holds_only_its_marts(validated: Paths) -> None:
    for audience, marts in AUDIENCES.items():
        con = duckdb.connect(str(validated.published / f"{audience}.duckdb"), read_only=True)
        try:
            tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
        finally:
            con.close()
        unversioned = {m.rsplit("_v", 1)[0] for m in marts}
        assert tables == set(marts) | unversioned | {"publish_info"}, audience


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_is_named_and_nothing_is_published(validated: Paths, tmp_path: Path, fault: str) -> None:
    # Work on a copy so each fault starts from the validated candidate.
    paths = Paths(tmp_path / "home")
    shutil.copytree(validated.home, paths.home)
    before = digests(paths.published)
    sql, suite, expectation = FAULTS[fault]
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute(sql)
    finally:
        con.close()
    gate = run_gate(paths)
    assert not gate.passed
    assert any(f.suite == suite and f.expectation == expectation for f in gate.failures), [
        f.describe() for f in gate.failures
    ]
    failing = next(f for f in gate.failures if f.suite == suite)
    assert failing.unexpected_count, "the failure says on which rows"
    assert digests(paths.published) == before


def test_publish_replaces_files_atomically_for_open_readers(validated: Paths, tmp_path: Path) -> None:
    paths = Paths(tmp_path / "home")
    shutil.copytree(validated.home, paths.home)
    reader = duckdb.connect(str(paths.published / "org.duckdb"), read_only=True)
    try:
        old_version = reader.execute("select version from publish_info").fetchone()[0]
        result = publish(paths)
        # The open reader keeps its consistent old version; a new open sees the new one.
        assert reader.execute("select version from publish_info").fetchone()[0] == old_version
        assert reader.execute("select count(*) from org_daily_v1").fetchone()[0] > 0
    finally:
        reader.close()
    fresh = duckdb.connect(str(paths.published / "org.duckdb"), read_only=True)
    try:
        assert fresh.execute("select version from publish_info").fetchone()[0] == result.version != old_version
    finally:
        fresh.close()
    assert not list(paths.published.glob(".*.tmp"))


READER = """
import sys, time, duckdb
path, seconds = sys.argv[1], float(sys.argv[2])
reads = errors = 0
versions = set()
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    try:
        con = duckdb.connect(path, read_only=True)
        version = con.execute("select version from publish_info").fetchone()[0]
        rows = con.execute("select count(*) from org_daily_v1").fetchone()[0]
        con.close()
        if rows == 0:
            raise RuntimeError("an empty version")
        versions.add(version)
        reads += 1
    except Exception as error:
        errors += 1
        print("ERROR", repr(error), flush=True)
print(reads, errors, len(versions), flush=True)
"""


def test_a_reader_sees_only_complete_versions_during_publishes(validated: Paths, tmp_path: Path) -> None:
    """A process reading org.duckdb in a loop while three publishes replace it: no error, no partial file."""
    import subprocess
    import sys
    import time

    paths = Paths(tmp_path / "home")
    shutil.copytree(validated.home, paths.home)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths.published / "org.duckdb"), "12"],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)  # let the reader open the first version
    published = []
    for _ in range(3):
        published.append(publish(paths).version)
        time.sleep(0.5)
    out, _ = reader.communicate(timeout=60)
    reads, errors, versions = (int(x) for x in out.strip().splitlines()[-1].split())
    assert errors == 0, out
    assert reads > 10 and versions >= 2, out
    assert len(set(published)) == 3

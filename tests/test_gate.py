"""Write-audit-publish: the Great Expectations gate holds back bad marts; publishing is atomic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import digests, query

from orchestration import quality
from orchestration.paths import Paths
from orchestration.pipeline import dbt_command
from orchestration.publish import AUDIENCES, publish, reader_files

# Every test here reads or copies the suite's built organisation: none is in `make test-fast`.
pytestmark = pytest.mark.slow

# Each fault of a value, as SQL run on the candidate marts, and the suite and expectation that must name it.
FAULTS = {
    "negative tokens": (
        "update marts.developer_daily_v1 set input_tokens = -5 where activity_date = "
        "(select min(activity_date) from marts.developer_daily_v1)",
        "developer_daily_v1",
        "expect_column_values_to_be_between",
    ),
    "absurd cost": (
        "update marts.developer_daily_v1 set cost_usd = 1e9 where activity_date = "
        "(select max(activity_date) from marts.developer_daily_v1)",
        "plausibility",
        "expect_column_values_to_be_between",
    ),
    "day outside the load window": (
        "update marts.developer_daily_v1 set activity_date = date '2100-01-01' where activity_date = "
        "(select min(activity_date) from marts.developer_daily_v1)",
        "plausibility",
        "expect_column_values_to_be_between",
    ),
    "cost spike": (
        "update marts.org_daily_v1 set cost_usd = cost_usd * 1000 where activity_date = "
        "(select max(activity_date) from marts.org_daily_v1)",
        "cost_distribution",
        "expect_column_values_to_be_between",
    ),
}


def test_each_audience_file_holds_only_its_marts(validated: Paths) -> None:
    files = reader_files(validated.published)
    assert len(files["developer"]) > 5 and len(files["team"]) >= 2
    for audience, marts in AUDIENCES.items():
        for path in files[audience]:
            con = duckdb.connect(str(path), read_only=True)
            try:
                tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
                # Every table and column carries its dbt description, for BI tools to show.
                described = con.execute(
                    "select count(*), count(comment) from duckdb_columns() where table_name = ?", [marts[0]]
                ).fetchone()
            finally:
                con.close()
            unversioned = {m.rsplit("_v", 1)[0] for m in marts}
            assert tables == set(marts) | unversioned | {"publish_info"}, path
            assert described[0] > 0 and described[0] == described[1], path


@pytest.mark.parametrize(("audience", "column"), [("developer", "developer_id"), ("team", "team")])
def test_one_subject_per_file_and_together_the_whole_mart(validated: Paths, audience: str, column: str) -> None:
    """Each developer's file holds that developer's rows only, each team's file that team's; the files together
    hold every row of the warehouse's marts, and no file holds them all."""
    files = reader_files(validated.published)[audience]
    for mart in AUDIENCES[audience]:
        union: list[tuple] = []
        for path in files:
            con = duckdb.connect(str(path), read_only=True)
            try:
                subject = con.execute("select subject from publish_info").fetchone()[0]
                values = {v for (v,) in con.execute(f'select distinct "{column}" from "{mart}"').fetchall()}
                union += con.execute(f'select * from "{mart}"').fetchall()
            finally:
                con.close()
            assert values <= {subject}, (path, values)
            assert path.stem == subject.replace(":", "_")
        warehouse = query(validated.warehouse, f'select * from marts."{mart}"')
        assert sorted(union, key=repr) == sorted(warehouse, key=repr), mart
    assert not (validated.published / f"{audience}.duckdb").exists()


def test_published_files_open_read_only_in_duckdb_1x(validated: Paths, tmp_path: Path) -> None:
    """BI tools embed DuckDB 1.x: every published file opens in duckdb 1.4 (a side virtual environment) and
    cannot be opened for writing. A developer's or a team's file is written in 16 KB blocks (a few hundred rows:
    in 256 KB blocks, each table's took a block of its own), the shared files in DuckDB's default 256 KB."""
    side = tmp_path / "duckdb14"
    made = subprocess.run([sys.executable, "-m", "venv", str(side)], capture_output=True, check=False)
    pip = subprocess.run(
        [str(side / "bin" / "pip"), "install", "--quiet", "duckdb==1.4.2"], capture_output=True, text=True, check=False
    )
    if made.returncode or pip.returncode:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"could not install duckdb 1.4.2: {pip.stderr[-300:]}")
        pytest.skip("duckdb 1.4.2 cannot be installed here")
    audiences = {p: audience for audience, files in reader_files(validated.published).items() for p in files}
    paths = list(audiences)
    script = (
        "import sys, duckdb\n"
        "for path in sys.argv[1:]:\n"
        "    con = duckdb.connect(path, read_only=True)\n"
        "    tables = con.execute('select count(*) from information_schema.tables').fetchone()[0]\n"
        "    version = con.execute('select version from publish_info').fetchone()[0]\n"
        "    block_size = con.execute('select block_size from pragma_database_size()').fetchone()[0]\n"
        "    print(duckdb.__version__, tables, version, block_size)\n"
    )
    out = subprocess.run(
        [str(side / "bin" / "python"), "-c", script, *map(str, paths)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(out) == len(paths) and all(line.startswith("1.4.2 ") for line in out)
    assert len({line.split()[2] for line in out}) == 1, "every file on one version"
    block_sizes = {path: int(line.split()[3]) for path, line in zip(paths, out, strict=True)}
    for path, audience in audiences.items():
        assert block_sizes[path] == (16384 if audience in ("developer", "team") else 262144), (path, block_sizes[path])
    for path in paths:
        assert oct(path.stat().st_mode & 0o777) == "0o444"


def run_validate_and_publish(paths: Paths, monkeypatch: pytest.MonkeyPatch):
    """The Dagster job `validate_and_publish` (GX checks, then the publish assets), executed in process."""
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    job = defs.resolve_job_def("validate_and_publish")
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False)


def published_materialisations(result) -> list[str]:
    return [
        e.asset_key.path[-1] for e in result.get_asset_materialization_events() if e.asset_key.path[0] == "published"
    ]


def gate_pages(paths: Paths) -> tuple[int, int]:
    """(this gate's stored results, those with a Data Docs page): a page is validations/<suite>/<run name>/
    <run time>/<batch>.html, the parts of the result's id that the gate recorded."""
    recorded = json.loads(quality.last_gate_record(paths).read_text())
    site = quality.data_docs_site(paths) / "validations"
    pages = [site.joinpath(*parts[:-1], f"{parts[-1]}.html") for parts in recorded]
    return len(recorded), sum(page.exists() for page in pages)


def test_dagster_good_run_publishes(home_copy: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = home_copy
    before = digests(paths.published)
    result = run_validate_and_publish(paths, monkeypatch)
    assert result.success
    assert all(check.passed for check in result.get_asset_check_evaluations())
    assert sorted(published_materialisations(result)) == sorted(AUDIENCES)
    after = digests(paths.published)
    assert set(after) == set(before) and all(after[name] != before[name] for name in before)
    # The gate leaves its report to the step after the publish, which renders a page for each of its results.
    (docs,) = [e for e in result.get_asset_materialization_events() if e.asset_key.path == ["gx", "data_docs"]]
    assert docs.step_key != "great_expectations_gate"
    suites = len(quality.all_suites())
    assert gate_pages(paths) == (suites, suites)


def test_a_quiet_source_raises_an_alert_and_the_publish_goes_ahead(
    home_copy: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source ten days behind the others (a team on holiday, an exporter switched off) is news for the platform
    team, not a reason to withhold everyone's marts: the freshness check fails as a warning, and files publish."""
    paths = home_copy
    before = digests(paths.published)
    con = duckdb.connect(str(paths.warehouse))
    try:
        changed = con.execute(
            "update marts.source_freshness_v1 set newest_event_at = newest_event_at - interval 10 days "
            "where landing_source = 'otel'"
        ).fetchone()[0]
    finally:
        con.close()
    assert changed == 1
    result = run_validate_and_publish(paths, monkeypatch)
    assert result.success
    assert sorted(published_materialisations(result)) == sorted(AUDIENCES)
    after = digests(paths.published)
    assert all(after[name] != before[name] for name in before)
    (freshness,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "gx_freshness"]
    assert not freshness.passed and freshness.severity.value == "WARN"
    assert "lag_hours" in freshness.metadata["failures"].value


def test_a_dagster_run_with_faults_names_each_and_publishes_nothing(
    home_copy: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every fault at once, on one copy of the validated candidate: each must be named by its own check.
    paths = home_copy
    before = digests(paths.published)
    con = duckdb.connect(str(paths.warehouse))
    try:
        for sql, _suite, _expectation in FAULTS.values():
            con.execute(sql)
    finally:
        con.close()
    result = run_validate_and_publish(paths, monkeypatch)
    assert not result.success
    assert published_materialisations(result) == []
    assert digests(paths.published) == before
    # Nothing is published, so the gate renders its report itself: the failures are on the Data Docs pages.
    assert not [e for e in result.get_asset_materialization_events() if e.asset_key.path[0] == "gx"]
    suites = len(quality.all_suites())
    assert gate_pages(paths) == (suites, suites)
    failed = [check for check in result.get_asset_check_evaluations() if not check.passed]
    reports = [check.metadata["failures"].value for check in failed]
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        outcome, failures = con.execute(
            "select validation_outcome, failed_checks from raw.publish_log order by published_at desc limit 1"
        ).fetchone()
    finally:
        con.close()
    assert outcome == "failed"
    for fault, (_sql, suite, expectation) in FAULTS.items():
        # The check on the mart names the suite, the expectation and how many rows broke it; so does the log.
        named = f"{suite}: {expectation} on "
        assert any(named in report and " rows, e.g. " in report for report in reports), (fault, reports)
        assert named in str(failures), (fault, failures)


# Grain and keys are dbt's (the suites check values, never both): a duplicate key fails the mart's unique_key
# test; a null cannot be written at all, the contract's not_null constraint refuses it.
def test_a_duplicate_key_fails_the_marts_dbt_tests(home_copy: Paths, tmp_path: Path) -> None:
    paths = home_copy
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute("insert into marts.team_weekly_v2 select * from marts.team_weekly_v2 limit 1")
    finally:
        con.close()
    target = tmp_path / "target"
    assert not dbt_command(paths, "test", "--select", "team_weekly", target=target)
    results = json.loads((target / "run_results.json").read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] in ("fail", "error")]
    assert failed and all("unique_key" in name and "team_weekly" in name for name in failed), failed


# The loader's promise (each raw line loaded or quarantined, never both) is checked by a singular dbt test on
# every build: a line in both places fails it, one row per such line however many records it loaded.
def test_a_line_both_loaded_and_quarantined_fails_the_accounting_test(home_copy: Paths, tmp_path: Path) -> None:
    paths = home_copy
    con = duckdb.connect(str(paths.warehouse))
    try:
        both = con.execute(
            """
            (select _source_file, _line_number from raw.claude_code_records order by all limit 1)
            union all
            -- An export line holds several records: the test names its line once.
            (select _source_file, _line_number from raw.otel_log_records
             group by all having count(*) > 1 order by all limit 1)
            """
        ).fetchall()
        assert len(both) == 2, both
        for source_file, line_number in both:
            for _ in range(2):  # quarantined twice as well: still one offending line
                con.execute(
                    "insert into raw.quarantine values (?, ?, null, 'test', now(), 'test', 'planted', 1, null)",
                    [source_file, line_number],
                )
    finally:
        con.close()
    target = tmp_path / "target"
    assert not dbt_command(paths, "test", "--select", "assert_every_raw_line_is_accounted_once", target=target)
    (result,) = json.loads((target / "run_results.json").read_text())["results"]
    assert (result["status"], result["failures"]) == ("fail", 2), result


def test_a_null_in_a_marts_grain_is_refused_by_its_contract(home_copy: Paths) -> None:
    paths = home_copy
    con = duckdb.connect(str(paths.warehouse))
    try:
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL constraint failed"):
            con.execute(
                "update marts.developer_weekly_v1 set developer_id = null where week_start = "
                "(select min(week_start) from marts.developer_weekly_v1)"
            )
        enforced = set(
            con.execute(
                "select table_name || '.' || unnest(constraint_column_names) from duckdb_constraints() "
                "where schema_name = 'marts' and constraint_type = 'NOT NULL'"
            ).fetchall()
        )
    finally:
        con.close()
    # Every published mart's grain (its unique_key test's columns) is declared not null, and built so.
    manifest = json.loads((paths.home / "dbt_target" / "manifest.json").read_text())
    grains = {
        (manifest["nodes"][test["attached_node"]]["alias"], column)
        for test in manifest["nodes"].values()
        if (test.get("test_metadata") or {}).get("name") == "unique_key"
        and manifest["nodes"][test["attached_node"]]["config"]["contract"]["enforced"]
        for column in test["test_metadata"]["kwargs"]["columns"]
    }
    assert len(grains) > 60
    assert {f"{mart}.{column}" for mart, column in grains} <= {name for (name,) in enforced}


def test_publish_replaces_files_atomically_for_open_readers(home_copy: Paths) -> None:
    paths = home_copy
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
    assert not list(paths.published.glob(".*.tmp")) and not list((paths.published / "versions").glob(".*"))


# The reader reads until the test says stop (a file appears): a fixed window could end before a slow
# publish on a busy machine has switched versions.
READER = """
import sys, duckdb
from pathlib import Path
path, stop = sys.argv[1], Path(sys.argv[2])
reads = errors = 0
versions = set()
while not stop.exists() or reads == 0:
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


def test_a_reader_sees_only_complete_versions_during_publishes(home_copy: Paths, tmp_path: Path) -> None:
    """A process reading org.duckdb in a loop while three publishes replace it: no error, no partial file."""
    import time

    paths = home_copy
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths.published / "org.duckdb"), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)  # let the reader open the first version
    published = []
    for _ in range(3):
        published.append(publish(paths).version)
        time.sleep(0.5)
    time.sleep(1)  # let the reader open the last version before it stops
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    reads, errors, versions = (int(x) for x in out.strip().splitlines()[-1].split())
    assert errors == 0, out
    assert reads > 10 and versions >= 2, out
    assert len(set(published)) == 3


KILL_IN_PUBLISH = """
import os, signal, sys
from pathlib import Path
import orchestration.publish as publishing
from orchestration.paths import Paths

home, point = Path(sys.argv[1]), sys.argv[2]


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def then_die(function):
    def wrapped(*args, **kwargs):
        function(*args, **kwargs)
        die()
    return wrapped


if point == "after_the_first_file":
    publishing._Writer.write = then_die(publishing._Writer.write)
elif point == "after_every_file_before_the_folder_is_final":
    publishing._write_version = then_die(publishing._write_version)
elif point == "before_the_switch":
    publishing._switch = die
elif point == "after_the_switch_before_the_log_row":
    publishing._switch = then_die(publishing._switch)
paths = Paths(home)
result = publishing.publish(paths)  # as the Dagster asset does: publish, then log
publishing.record_outcome(paths.warehouse, result.version, "passed", [], publishing.log_counts(result.folder))
"""
KILL_POINTS = (
    "after_the_first_file",
    "after_every_file_before_the_folder_is_final",
    "before_the_switch",
    "after_the_switch_before_the_log_row",
)


def reader_versions(published: Path) -> set[str]:
    """The version of every file a reader can open now (each must open)."""
    versions = set()
    for files in reader_files(published).values():
        for path in files:
            con = duckdb.connect(str(path), read_only=True)
            try:
                versions.add(con.execute("select version from publish_info").fetchone()[0])
            finally:
                con.close()
    return versions


def logged_versions(warehouse: Path) -> set[str]:
    return {v for (v,) in query(warehouse, "select version from raw.publish_log where validation_outcome = 'passed'")}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_kill_inside_publish_leaves_every_reader_on_one_version(home_copy: Paths, point: str) -> None:
    """SIGKILL at a point inside the publish step itself: every file a reader can open is on one version (the
    old one, or the new one once the pointer moved), and the next publish cleans up and logs what readers saw."""
    paths = home_copy
    (old,) = reader_versions(paths.published)
    killed = subprocess.run([sys.executable, "-c", KILL_IN_PUBLISH, str(paths.home), point], check=False)
    assert killed.returncode == -9
    versions = reader_versions(paths.published)
    assert len(versions) == 1, versions
    switched = point == "after_the_switch_before_the_log_row"
    (seen,) = versions
    assert (seen != old) == switched
    if not switched:  # the new version was written, in part or whole, and never shown
        written = [p.name.strip(".").removesuffix(".tmp") for p in (paths.published / "versions").iterdir()]
        assert len([v for v in written if v != old]) == 1, written
    result = publish(paths)
    assert reader_versions(paths.published) == {result.version}
    assert not list((paths.published / "versions").glob(".*")) and not list(paths.published.glob(".*.tmp"))
    # Every version readers were ever shown is in the publish log, the one killed before logging included.
    assert seen in logged_versions(paths.warehouse)


def test_the_sensor_runs_only_for_new_lines(home_copy: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its first tick finds everything loaded and skips; a grown transcript starts a run; a home never loaded
    starts one at once."""
    from dagster import RunRequest, SkipReason, build_sensor_context

    from orchestration.defs.sensors import new_raw_files

    paths = home_copy
    monkeypatch.setenv("AI_TELEMETRY_HOME", str(paths.home))
    context = build_sensor_context()
    first = new_raw_files(context)
    assert isinstance(first, SkipReason) and "already loaded" in first.skip_message
    assert context.cursor
    transcript = next(paths.landing.glob("claude_code/**/*.jsonl"))
    with transcript.open("ab") as handle:
        handle.write(transcript.read_bytes().splitlines()[-1] + b"\n")
    assert isinstance(new_raw_files(context), RunRequest)
    assert isinstance(new_raw_files(context), SkipReason)  # the same files again: nothing new
    paths.warehouse.unlink()
    assert isinstance(new_raw_files(build_sensor_context()), RunRequest)


def test_an_edited_suite_is_validated_as_edited_and_old_results_are_pruned(
    home_copy: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate keeps its GX objects between runs; an expectation edited in expectations/ must take effect at
    the next run all the same, and stored results must not pile up."""
    before = quality.run_gate(home_copy, marts={"developer_daily_v1"}, data_docs=False)
    assert before.passed
    edited = quality.load_suites()
    edited["developer_daily_v1"]["expectations"].append(
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "input_tokens", "max_value": -1}}
    )
    monkeypatch.setattr(quality, "load_suites", lambda: edited)
    after = quality.run_gate(home_copy, marts={"developer_daily_v1"}, data_docs=False)
    assert [(f.suite, f.column) for f in after.failures] == [("developer_daily_v1", "input_tokens")]

    runs = quality.gx_uncommitted(home_copy) / "validations" / "developer_daily_v1" / "__none__"
    stored = sorted(p.name for p in runs.iterdir())
    assert len(stored) >= 3  # the world's gate and the two above
    assert quality.prune_validation_results(home_copy, keep=2) >= len(stored) - 2
    assert sorted(p.name for p in runs.iterdir()) == stored[-2:]  # the newest two

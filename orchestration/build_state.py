"""What a dbt build carries over from the one before: recovery from a killed build, and the test scope.

Each model's materialisation commits on its own, so a build killed in the middle (SIGKILL, a lost machine)
leaves incremental models built by a run that never finished. Rather than trust that state, the next build
rebuilds the incremental models from scratch (`--full-refresh`); after a completed build, incremental runs
are safe again.

Row tests of the largest staging models look only at the transcript owners with lines loaded since the last
build whose tests all passed (macros/test_scope.sql): `prepare_test_scope` lists them for dbt, and
`record_tests_passed` remembers a pass. The unique tests of the largest models that only ever write rows anew
read only the values written since then (against every row). With that build's project unchanged, its unit
tests, seeds, tests on seeds and views are left out (`BuildScope.dbt_args`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.listing import project_state
from orchestration.paths import PROJECT_DIR, Paths
from orchestration.state_files import read_state, write_state

MARKER = "dbt_build_in_progress"


@contextmanager
def build_guard(home: Path) -> Iterator[list[str]]:
    """Yields the extra dbt arguments for this build; the marker outlives only a killed build."""
    marker = home / MARKER
    extra = ["--full-refresh"] if marker.exists() else []
    home.mkdir(parents=True, exist_ok=True)
    marker.write_text("a dbt build started and has not finished\n")
    try:
        yield extra
    finally:
        # dbt ran to its end (passed or failed): its state is consistent. SIGKILL never reaches this line.
        marker.unlink(missing_ok=True)


TEST_SCOPE_FILE = "test_scope.json"


@dataclass(frozen=True)
class BuildScope:
    """What a build needs to test: `tested_through` is the newest load's start when it began (what it has
    tested through if it passes); `project` is the project's state when it began (what it has tested if it
    passes); `same_project` says that is the project whose tests last passed in a whole-project build;
    `built_intact` that every seed's table and every view that build left are in the warehouse; `began_at` when
    it was prepared, before dbt started: every row written after it, by this build or a later one, has a newer
    `built_at` (dbt's start), or `loaded_at` (a load never runs beside a build)."""

    tested_through: datetime | None
    project: list[str]
    same_project: bool
    built_intact: bool = False
    began_at: datetime | None = None

    def dbt_args(self) -> list[str]:
        """With the project unchanged since its tests passed, a build on new data leaves out what cannot have
        changed. Unit tests check the SQL on fixed rows, not the data (dbt advises leaving them out of
        production builds). Seeds are the project's own files, and a view is its SQL, which reads its inputs
        live: the seeds' tables, loaded and tested by that build, and its views stay as they are, and so do
        the tests defined with the seeds (seeds/*.yml; a test there reads seeds alone, which
        tests/test_models.py checks). The tests on views and the relationships from models to seeds read new
        rows and run (`--indirect-selection empty`: a test is left out only when named). `make test` and any
        project change run everything."""
        if not self.same_project:
            return []
        # One argument: dagster-dbt takes one value after --exclude (dbt splits it on spaces, as a union).
        built = ["--exclude", "path:seeds config.materialized:view", "--indirect-selection", "empty"]
        return ["--exclude-resource-type", "unit_test", *(built if self.built_intact else [])]


def prepare_test_scope(paths: Paths, whole_build: bool = True) -> BuildScope:
    """Before a build: writes main.test_scope, the transcript owners whose rows the Claude Code row tests read
    (no table: every row), and main.test_scope_since, when the last passing whole-project build began: the
    opted-in unique tests read the values written since (macros/test_scope.sql). Only the owners with lines
    loaded since that build are listed, and only when this is a whole-project build of that same project with
    no file replaced since (a replaced file's rows are retracted, which changes rows without a new line)."""
    began = datetime.now(UTC)
    state_file = paths.home / TEST_SCOPE_FILE
    state = read_state(state_file)
    project = project_state(PROJECT_DIR)
    same_project = whole_build and state.get("project") == project
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute("drop table if exists main.test_scope")
        con.execute("drop table if exists main.test_scope_since")
        if not con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = "
                           "'load_batches'").fetchone()[0]:  # fmt: skip
            return BuildScope(None, project, False)  # nothing loaded: dbt's sources fail the build, and say why
        newest = con.execute("select max(started_at) from raw.load_batches").fetchone()[0]
        # A seed's table or a view the passing build left and since dropped (a warehouse made anew) is built again.
        intact = same_project and "views" in state and all_seeds_loaded(con) and set(state["views"]) <= views_in(con)
        since = state.get("tested_through")
        if not same_project or since is None:
            return BuildScope(newest, project, same_project, intact, began)
        con.execute(
            "create temp table new_loads as select batch_id from raw.load_batches where started_at > ?::timestamptz",
            [since],
        )
        retracted = con.execute(
            "select count(*) from raw.load_manifest where rows_retracted > 0 and batch_id in (from new_loads)"
        ).fetchone()[0]
        if not retracted:
            con.execute(
                "create table main.test_scope as select distinct _transcript_owner as transcript_owner "
                "from raw.claude_code_records where _batch_id in (from new_loads)"
            )
            passed = state.get("passed_build_began_at")
            if passed is not None:  # the rows written since that build began, for the unique tests that opt in
                con.execute("create table main.test_scope_since as select ?::timestamptz as began_at", [passed])
        return BuildScope(newest, project, same_project, intact, began)
    finally:
        con.close()


def all_seeds_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether each seed file of the project has its table in the warehouse (dbt_project.yml puts seeds in the
    schema `reference`, named as their files): a warehouse made anew since the last passing build has none."""
    seeds = sorted(path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv"))
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'reference' and list_contains(?, table_name)",
        [seeds],
    ).fetchone()[0]
    return found == len(seeds)


def views_in(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The warehouse's views, as schema.name: the dbt project's (the loader and the publish make none)."""
    rows = con.execute("select schema_name || '.' || view_name from duckdb_views() where not internal").fetchall()
    return {name for (name,) in rows}


def record_tests_passed(paths: Paths, scope: BuildScope) -> None:
    """After a whole-project build whose tests all passed: the project as it was when the build began, and
    every row of loads up to `scope.tested_through`, passed. (A file edited during the build is a change the
    next build tests.) With them, the views that build left: a later build of the same project leaves them as
    they are while they are all there. And when it began (`scope.began_at`), for the unique tests of the rows
    written since."""
    through = scope.tested_through.isoformat() if scope.tested_through else None
    state = {"project": scope.project, "tested_through": through}
    if scope.began_at is not None:
        state["passed_build_began_at"] = scope.began_at.isoformat()
    views = recorded_views(paths.warehouse)
    if views is not None:
        state["views"] = views
    write_state(paths.home / TEST_SCOPE_FILE, state)


def recorded_views(warehouse: Path) -> list[str] | None:
    """The warehouse's views as a passing build left them, or None when it cannot be read now (another process
    writes it): then none are recorded, and the next build makes them all again rather than fail this one."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        return sorted(views_in(con))
    finally:
        con.close()

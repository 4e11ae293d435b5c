"""What a dbt build carries over from the one before: recovery from a killed build, and the test scope.

Each model's materialisation commits on its own, so a build killed in the middle (SIGKILL, a lost machine)
leaves incremental models built by a run that never finished. Rather than trust that state, the next build
rebuilds the incremental models from scratch (`--full-refresh`); after a completed build, incremental runs
are safe again.

Row tests of the largest staging models look only at the transcript owners with lines loaded since the last
build whose tests all passed (macros/test_scope.sql): `prepare_test_scope` lists them for dbt, and
`record_tests_passed` remembers a pass.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.listing import project_state
from orchestration.paths import PROJECT_DIR, Paths

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
    passes); `same_project` says that is the project whose tests last passed in a whole-project build."""

    tested_through: datetime | None
    project: list[str]
    same_project: bool

    def dbt_args(self) -> list[str]:
        """Unit tests check the SQL on fixed rows, not the data: with the project unchanged since they passed,
        a build on new data leaves them out (as dbt advises for production builds); `make test` and any
        project change run them."""
        return ["--exclude-resource-type", "unit_test"] if self.same_project else []


def prepare_test_scope(paths: Paths, whole_build: bool = True) -> BuildScope:
    """Before a build: writes main.test_scope, the transcript owners whose rows the Claude Code row tests read
    (no table: every row). Only the owners with lines loaded since the last passing whole-project build are
    listed, and only when this is a whole-project build of that same project with no file replaced since (a
    replaced file's rows are retracted, which changes rows without a new line)."""
    state_file = paths.home / TEST_SCOPE_FILE
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    project = project_state(PROJECT_DIR)
    same_project = whole_build and state.get("project") == project
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute("drop table if exists main.test_scope")
        if not con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = "
                           "'load_batches'").fetchone()[0]:  # fmt: skip
            return BuildScope(None, project, False)  # nothing loaded: dbt's sources fail the build, and say why
        newest = con.execute("select max(started_at) from raw.load_batches").fetchone()[0]
        since = state.get("tested_through")
        if not same_project or since is None:
            return BuildScope(newest, project, same_project)
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
        return BuildScope(newest, project, same_project)
    finally:
        con.close()


def record_tests_passed(paths: Paths, scope: BuildScope) -> None:
    """After a whole-project build whose tests all passed: the project as it was when the build began, and
    every row of loads up to `scope.tested_through`, passed. (A file edited during the build is a change the
    next build tests.)"""
    through = scope.tested_through.isoformat() if scope.tested_through else None
    state = {"project": scope.project, "tested_through": through}
    (paths.home / TEST_SCOPE_FILE).write_text(json.dumps(state))

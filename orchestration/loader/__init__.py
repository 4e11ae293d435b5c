"""`ai-telemetry load`: lands every source under the landing folder in the warehouse's `raw` schema.

Guarantees:
- nothing lost: every line of a line-based file lands, by (_source_file, _line_number), in exactly one
  of its raw table or `raw.quarantine` (CSV header lines are the file's schema and land in neither);
- private: payload text is reduced to kinds and sizes inside the load query, before any table;
- idempotent and incremental: the manifest records each file's loaded prefix; unchanged files are
  skipped, grown files load only their new lines, shrunk or rewritten files replace their old rows,
  and byte-identical copies under another name are quarantined as duplicates;
- atomic per flush: a flush's raw rows, quarantine rows and manifest rows commit together, and flushes
  commit in the order they were read (two are in flight, on their own connections: see `Loader._flush`).
"""

from __future__ import annotations

import functools
import os
import queue
import re
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from orchestration.listing import list_files
from orchestration.loader import csv_rows, documents
from orchestration.loader.files import (
    CHUNK_BYTES,
    FilePlan,
    FileState,
    Segment,
    plan_file,
    read_segments,
    read_whole_files,
)
from orchestration.loader.storage import record_table_storage
from orchestration.paths import DUCKDB_MEMORY_LIMIT

SQL_DIR = Path(__file__).parent / "sql"
MANIFEST_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("source", pa.string()),
        ("path", pa.string()),
        ("action", pa.string()),
        ("size_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("loaded_bytes", pa.int64()),
        ("prefix_hash", pa.string()),
        ("first_line", pa.int64()),
        ("last_line", pa.int64()),
        ("lines_total", pa.int64()),
        ("last_line_offset", pa.int64()),
        ("last_line_complete", pa.bool_()),
        ("rows_loaded", pa.int64()),
        ("rows_quarantined", pa.int64()),
        ("rows_retracted", pa.int64()),
        ("duplicate_of", pa.string()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
    ]
)
# Flushes in flight at once: the next one's parse overlaps the previous one's insert and commit, which run on
# one core for much of their time (an insert's row groups are split between DuckDB's threads unevenly).
FLUSHES_IN_FLIGHT = 2

# Timestamps outside [EARLIEST_PLAUSIBLE, load time + CLOCK_SKEW] are quarantined as implausible: no AI
# coding assistant wrote telemetry before 2024, and a clock may run a little ahead, not days.
EARLIEST_PLAUSIBLE = datetime(2024, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)


@dataclass(frozen=True)
class Source:
    """A landing source: where its files are, which handler reads them, where its rows land.

    Three handlers, one per file kind. `jsonl` and `csv` are line files, read and split into Arrow lines
    (files.py) and checked by SQL: the source's sql/<source>.sql (csv: the shared sql/csv_rows.sql, with
    each file's header from csv_rows.py) leaves each line's outcome in its stage tables, counted by the
    script's _counts.sql.
    `json_document` files are parsed whole (documents.py)."""

    name: str
    folder: str
    patterns: tuple[str, ...]
    kind: str  # jsonl | csv | json_document
    tables: tuple[str, ...]  # raw tables its rows land in
    owned_by_folder: bool = False  # a file's owner is the first folder under the source's (a ~/.claude)
    script: str = ""  # the SQL that checks its lines, when several sources share one (default: its name)
    typed: tuple[tuple[str, str], ...] = ()  # csv: fields the staging models cast, and their kinds (csv_rows.py)

    @property
    def sql(self) -> str:
        return f"{self.script or self.name}.sql"

    @property
    def counts_sql(self) -> str:
        return f"{self.script or self.name}_counts.sql"


def csv_source(name: str, folder: str, typed: tuple[tuple[str, str], ...] = ()) -> Source:
    """A CSV export whose rows land in raw.<name>, checked by the shared sql/csv_rows.sql."""
    csv_rows.check_kinds(typed, name)
    return Source(name, folder, ("*.csv",), "csv", (name,), script="csv_rows", typed=typed)


CURSOR_TOKEN_FIELDS = (
    "Input (w/ Cache Write)",
    "Input (w/o Cache Write)",
    "Cache Read",
    "Output Tokens",
    "Total Tokens",
)

SOURCES = (
    Source("claude_code", "claude_code", ("*.jsonl",), "jsonl", ("claude_code_records",), owned_by_folder=True),
    Source("otel", "otel", ("*.jsonl", "*.json"), "jsonl", ("otel_log_records", "otel_metric_points")),
    Source("cursor_daily_usage", "cursor/daily_usage", ("*.json",), "json_document", ("cursor_daily_usage",)),
    csv_source(
        "cursor_usage_events",
        "cursor/usage_events",
        (
            ("Date", "event_time"),
            ("User", "text"),
            *((field, "count") for field in CURSOR_TOKEN_FIELDS),
            ("Cost", "price"),
        ),
    ),
    csv_source("org_directory", "org", (("seat_monthly_cost_usd", "amount"),)),
    csv_source("experiment_assignments", "experiments", (("assigned_at", "timestamp"),)),
)
# The loader's own tables beside the sources': the dead-letter table and its bookkeeping.
BOOKKEEPING_TABLES = ("quarantine", "load_manifest", "load_batches", "table_storage")
# Every raw table the loader writes, the one inventory the pipeline and Dagster derive theirs from.
RAW_TABLES = tuple(table for source in SOURCES for table in source.tables) + BOOKKEEPING_TABLES


@dataclass
class SourceStats:
    files_seen: int = 0
    actions: Counter = field(default_factory=Counter)
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_retracted: int = 0


@dataclass
class LoadSummary:
    batch_id: str
    seconds: float
    sources: dict[str, SourceStats]

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sources.values())

    @property
    def rows_quarantined(self) -> int:
        return sum(s.rows_quarantined for s in self.sources.values())

    def describe(self) -> str:
        out = [f"batch {self.batch_id} in {self.seconds:.1f}s"]
        for name, s in self.sources.items():
            if s.files_seen:
                acts = ", ".join(f"{n} {a}" for a, n in sorted(s.actions.items())) or "no change"
                out.append(
                    f"  {name:<20} {s.files_seen:>6} files ({acts}); {s.rows_loaded:,} rows loaded, "
                    f"{s.rows_quarantined:,} quarantined, {s.rows_retracted:,} retracted"
                )
        return "\n".join(out)


def split_statements(sql: str) -> list[str]:
    """Statements in our SQL files end with ';' and a blank line (or the end of the file)."""
    return [s.strip().rstrip(";") for s in re.split(r";[ \t]*\n[ \t]*\n", sql) if s.strip().strip(";").strip()]


@functools.cache
def statements(name: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A SQL file's statements with the $parameters each names, read and split once per process."""
    return tuple(
        (statement, frozenset(re.findall(r"\$([a-z_]+)", statement)))
        for statement in split_statements((SQL_DIR / name).read_text())
    )


def batch_lines_view() -> str:
    """The lines of one flush as the transform scripts read them (batch_lines.sql)."""
    ((view, _),) = statements("batch_lines.sql")
    return view


def run_script(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object] | None = None) -> None:
    """Runs a file of our SQL, binding to each statement only the $parameters it names."""
    params = params or {}
    for statement, names in statements(name):
        con.execute(statement, {k: v for k, v in params.items() if k in names})


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # Raw rows are identified by file and line, never by position, so DuckDB may write them in any order.
    # Each flush ends in a part-filled row group; merging those (vacuum) when they are checkpointed rewrote
    # most of the table (4 s of a 17 s load of a million lines), so a load leaves them until it closes
    # (see `load`).
    # UTC, whatever the machine's zone: a timestamp written without one is read as UTC, and days are UTC days.
    config = {"preserve_insertion_order": False, "max_vacuum_tasks": 0, "memory_limit": DUCKDB_MEMORY_LIMIT}
    con = duckdb.connect(str(warehouse), config=config)
    con.execute("set TimeZone = 'UTC'")
    # A warehouse whose tables schema.sql creates now has every migration's result already.
    fresh = not con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'claude_code_records'"
    ).fetchone()[0]
    run_script(con, "schema.sql")
    migrate(con, fresh=fresh)
    return con


# Schema changes for warehouses made before them, in order; each runs once (raw.schema_migrations).
MIGRATIONS = (
    "migrate_claude_code_typed_columns",
    "migrate_otel_dotted_names",
    "migrate_claude_code_record_columns",
    "migrate_otel_sparse_attribute_types",
    "migrate_claude_code_result_keys",
)


def migrate(con: duckdb.DuckDBPyConnection, *, fresh: bool = False) -> None:
    applied = {name for (name,) in con.execute("select name from raw.schema_migrations").fetchall()}
    pending = [name for name in MIGRATIONS if name not in applied]
    if pending and not fresh:
        run_script(con, "macros.sql")  # the helpers a migration shares with the loads (temp macros)
    for name in pending:
        con.execute("begin transaction")
        if not fresh:
            run_script(con, f"{name}.sql")
        con.execute("insert into raw.schema_migrations values (?, now())", [name])
        con.execute("commit")


def transcript_owner(landing: Path, path: str) -> str:
    """The ~/.claude a transcript came from: landing/claude_code/<owner>/projects/...; else the first folder."""
    parts = tuple(path.removeprefix(f"{landing}{os.sep}claude_code{os.sep}").split(os.sep))  # noqa: PTH206
    if "projects" in parts[:-1]:
        index = parts.index("projects")
        return parts[index - 1] if index > 0 else "unknown"
    return parts[0] if len(parts) > 1 else "unknown"


@dataclass(frozen=True)
class ClaudeDir:
    """One developer's ~/.claude read where it is (local mode): its transcripts, owned by `owner`."""

    path: Path
    owner: str


class Loader:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        landing: Path,
        chunk_bytes: int = CHUNK_BYTES,
        claude_dir: ClaudeDir | None = None,
    ) -> None:
        self.con = con
        self.landing = landing.resolve()
        self.chunk_bytes = chunk_bytes
        self.claude_dir = claude_dir
        self.batch_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.stats = {s.name: SourceStats() for s in SOURCES}
        self._last_load_time: datetime | None = None
        self._flusher: ThreadPoolExecutor | None = None  # while `run` runs
        self._flushes: deque[Future] = deque()  # queued or running, oldest first
        self._cursors: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        self._cursors_made: list[duckdb.DuckDBPyConnection] = []
        self._stats_lock = threading.Lock()  # the flush threads and this one count into self.stats

    def _load_time(self) -> datetime:
        """Now, but always after every earlier load's time: the deduplicated staging tables read on from the newest
        load time they kept, so a clock set back must not give new lines an older time."""
        if self._last_load_time is None:
            self._last_load_time = self.con.execute("select max(loaded_at) from raw.load_manifest").fetchone()[0]
        now = datetime.now(UTC)
        if self._last_load_time is not None and now <= self._last_load_time:
            now = self._last_load_time + timedelta(microseconds=1)
        self._last_load_time = now
        return now

    # -- state -----------------------------------------------------------------------------------------
    def _states(self) -> dict[str, FileState]:
        rows = self.con.execute(
            """
            select path, size_bytes, mtime_ns, loaded_bytes, prefix_hash, lines_total, last_line_offset,
                   last_line_complete, duplicate_of
            from raw.load_manifest
            qualify row_number() over (partition by path order by manifest_id desc) = 1
            """
        ).fetchall()
        return {r[0]: FileState(*r) for r in rows}

    def run(self) -> LoadSummary:
        started = time.perf_counter()
        con = self.con
        # A batch left 'running' was interrupted; each of its flushes committed whole, so its rows stand.
        con.execute("update raw.load_batches set status = 'interrupted' where status = 'running'")
        con.execute(
            "insert into raw.load_batches (batch_id, started_at, status, landing_dir) values (?, ?, 'running', ?)",
            [self.batch_id, datetime.now(UTC), str(self.landing)],
        )
        try:
            with self._flushing():
                self._load_sources()
        except BaseException as error:
            con.execute(
                "update raw.load_batches set status = 'failed', finished_at = ?, error = ? where batch_id = ?",
                [datetime.now(UTC), repr(error)[:2000], self.batch_id],
            )
            raise
        summary = LoadSummary(self.batch_id, time.perf_counter() - started, self.stats)
        con.execute(
            """
            update raw.load_batches
            set status = 'complete', finished_at = ?, files_seen = ?, files_loaded = ?, lines_loaded = ?,
                rows_quarantined = ?
            where batch_id = ?
            """,
            [
                datetime.now(UTC),
                sum(s.files_seen for s in self.stats.values()),
                sum(sum(s.actions.values()) for s in self.stats.values()),
                summary.rows_loaded,
                summary.rows_quarantined,
                self.batch_id,
            ],
        )
        return summary

    def _load_sources(self) -> None:
        states = self._states()
        known = {(s.loaded_bytes, s.prefix_hash): p for p, s in states.items() if s.loaded_bytes > 0}
        for source in SOURCES:
            root = self.landing / source.folder
            if self.claude_dir is not None:  # local mode: only that folder's transcripts, read in place
                if not source.owned_by_folder:
                    continue
                root = self.claude_dir.path
            paths = list_files(root, source.patterns)
            self.stats[source.name].files_seen = len(paths)
            plans = self._plan(source, paths, states, known)
            if source.kind == "json_document":
                for plan in plans:
                    self._load_document(source, plan)
            else:
                self._load_lines(source, plans, known)
                self._settle()

    # -- line-based sources ----------------------------------------------------------------------------
    def _load_lines(self, source: Source, plans: list[FilePlan], known: dict[tuple[int, str], str]) -> None:
        # Every file is read here into Arrow lines, up to a chunk per flush: DuckDB scans an Arrow table on all
        # its threads, where its own file reader (read_blob) and the split after it ran on one. Small whole
        # files are read and split together; appended tails and files larger than a chunk, chunk by chunk.
        pending: list[Segment] = []
        size = 0

        def add(segment: Segment, nbytes: int) -> None:
            nonlocal pending, size
            pending.append(segment)
            size += nbytes
            if size >= self.chunk_bytes:
                self._flush(source, pending)
                pending, size = [], 0

        groups: list[list[FilePlan]] = [[]]  # whole files, about a chunk a group
        group_size = 0
        for plan in plans:
            if plan.action == "touched":  # same bytes, new mtime: nothing to load, the manifest row is renewed
                self._flush(source, [], touched=[plan])
            elif plan.read_whole:
                groups[-1].append(plan)
                group_size += plan.size_bytes
                if group_size >= self.chunk_bytes:
                    groups.append([])
                    group_size = 0
            else:
                got_any = False
                for segment in read_segments(Path(plan.path), plan, self.chunk_bytes):
                    got_any = True
                    add(segment, segment.nbytes)
                if not got_any:  # an empty file: recorded, so it is not looked at again until it changes
                    self._flush(source, [], touched=[plan])
        self._load_whole(source, [group for group in groups if group], add, known)
        if pending:
            self._flush(source, pending)

    def _load_whole(
        self,
        source: Source,
        groups: list[list[FilePlan]],
        add: Callable[[Segment, int], None],
        known: dict[tuple[int, str], str],
    ) -> None:
        """Reads the groups of whole files in order, each while DuckDB takes in the one before: reading and
        splitting are Python's and Arrow's work, which would otherwise leave a core idle whenever DuckDB's own
        work runs on one thread. (Only the reading thread uses `known` meanwhile.)"""
        if not groups:
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-whole-files") as reader:
            upcoming = reader.submit(read_whole_files, groups[0], known)
            for index, plans in enumerate(groups):
                segments, unreadable = upcoming.result()
                if index + 1 < len(groups):
                    upcoming = reader.submit(read_whole_files, groups[index + 1], known)
                if unreadable:  # planned, then gone or refused when read: it stands in the quarantine, the rest load
                    self.con.begin()
                    self._quarantine_unreadable(source, [(plan.path, error) for plan, error in unreadable])
                    self.con.commit()
                for segment in segments:
                    add(segment, segment.end_offset)
                read = {id(segment.plan) for segment in segments} | {id(plan) for plan, _ in unreadable}
                for plan in plans:
                    if id(plan) not in read:  # an empty file: recorded, so it is not looked at again until it changes
                        self._flush(source, [], touched=[plan])

    def _plan(
        self, source: Source, paths: list[str], states: dict[str, FileState], known: dict[tuple[int, str], str]
    ) -> list[FilePlan]:
        """What to do with each file. A file that cannot be read (permissions, gone, a device) is skipped and
        stands in the quarantine, one row with its path and reason, until a load can read it; the rest load."""
        plans: list[FilePlan] = []
        unreadable: list[tuple[str, OSError]] = []
        # Line files smaller than a chunk are read whole, and hashed then (JSON documents are read apart).
        read_whole_below = self.chunk_bytes if source.kind != "json_document" else 0
        for path in paths:
            try:
                plan = plan_file(source.name, path, states.get(path), known, read_whole_below)
            except OSError as error:
                unreadable.append((path, error))
                continue
            if plan is not None:
                plans.append(plan)
        self.con.begin()
        self.con.execute("delete from raw.quarantine where source = ? and reason = 'unreadable_file'", [source.name])
        self._quarantine_unreadable(source, unreadable)
        self.con.commit()
        return plans

    def _quarantine_unreadable(self, source: Source, unreadable: list[tuple[str, OSError]]) -> None:
        """One quarantine row per file that could not be read, with the error (in the caller's transaction)."""
        for path, error in unreadable:
            why = f"{type(error).__name__}: {error.strerror or error}"
            self.con.execute(
                "insert into raw.quarantine values (?, null, null, ?, ?, ?, 'unreadable_file', null, ?)",
                [path, self.batch_id, datetime.now(UTC), source.name, why],
            )
        with self._stats_lock:
            self.stats[source.name].actions["unreadable"] += len(unreadable)
            self.stats[source.name].rows_quarantined += len(unreadable)

    def _transform(self, con: duckdb.DuckDBPyConnection, source: Source, loaded_at: datetime) -> None:
        params = {"batch_id": self.batch_id, "loaded_at": loaded_at}
        if source.kind == "csv":  # the shared CSV script checks the fields this source casts
            con.execute(csv_rows.typed_problem_macro(source.typed))
        run_script(
            con,
            source.sql,
            {**params, "source": source.name, "earliest_at": EARLIEST_PLAUSIBLE, "latest_at": loaded_at + CLOCK_SKEW},
        )
        if source.kind == "csv":
            # The shared CSV script cannot name its source's table; the registry's fixed name does.
            con.execute(
                f"insert into raw.{source.tables[0]} select f.source_file, s.line_number, $batch_id, $loaded_at, "  # noqa: S608
                "s.record from csv_stage as s inner join batch_files as f on s.file_index = f.file_index "
                "where s.reason is null and not s.is_header",
                params,
            )

    @contextmanager
    def _flushing(self) -> Iterator[None]:
        """While the sources load: the flush worker threads, and their connections once a flush needs one."""
        with ThreadPoolExecutor(max_workers=FLUSHES_IN_FLIGHT, thread_name_prefix="flush") as flusher:
            self._flusher = flusher
            try:
                yield
                self._settle()
            finally:
                self._abandon()
                self._flusher = None
                for cursor in self._cursors_made:
                    cursor.close()

    def _add_cursor(self) -> None:
        """Another connection of this load's database for the flushes (each its own transaction and temp
        tables), made on this thread: one per flush in flight, so a flush always finds one free. The flushes'
        scripts are the only SQL that calls the load's temp macros, so only these connections define them."""
        cursor = self.con.cursor()
        cursor.execute("set TimeZone = 'UTC'")
        run_script(cursor, "macros.sql")
        cursor.execute(csv_rows.object_macro())
        self._cursors_made.append(cursor)
        self._cursors.put(cursor)

    def _flush(self, source: Source, segments: list[Segment], touched: list[FilePlan] = ()) -> None:
        """Queues one flush: its lines checked and stored, its manifest rows, in one transaction. Up to
        FLUSHES_IN_FLIGHT run at once on their own connections, but each commits only after the one before
        it: a file's later lines never stand without its earlier ones, and a failed flush fails the ones
        after it."""
        loaded_at = self._load_time()
        while len(self._flushes) >= FLUSHES_IN_FLIGHT:
            self._wait_oldest()
        if len(self._cursors_made) < FLUSHES_IN_FLIGHT:
            self._add_cursor()
        previous = self._flushes[-1] if self._flushes else None
        flush = self._flusher.submit(self._run_flush, source, segments, list(touched), loaded_at, previous)
        self._flushes.append(flush)

    def _wait_oldest(self) -> None:
        """Waits for the oldest queued flush; its failure is raised (`_flushing` then ends the others)."""
        self._flushes[0].result()
        self._flushes.popleft()

    def _settle(self) -> None:
        """Waits until every queued flush committed; raises the first failure."""
        while self._flushes:
            self._wait_oldest()

    def _abandon(self) -> None:
        """When the load ends (after `_settle`, nothing is left): the flushes not started are dropped and the
        running ones finish, each committing only if every flush before it did."""
        for flush in self._flushes:
            flush.cancel()
        wait(self._flushes)
        self._flushes.clear()

    def _run_flush(
        self,
        source: Source,
        segments: list[Segment],
        touched: list[FilePlan],
        loaded_at: datetime,
        previous: Future | None,
    ) -> None:
        con = self._cursors.get_nowait()
        con.begin()
        try:
            retracted = {seg.plan.path: self._retract(con, source, seg.plan) for seg in segments if seg.is_first}
            counts: dict[int, tuple[int, int]] = {}
            if segments:
                con.register(
                    "batch_files",
                    self._files_table(source, [s.plan.path for s in segments], [s.plan for s in segments]),
                )
                con.register("batch_lines_raw", self._lines_table(segments))
                con.execute(batch_lines_view())
                self._transform(con, source, loaded_at)
                counts = self._counts(con, source)
                con.execute("drop view batch_lines")
                con.unregister("batch_files")
                con.unregister("batch_lines_raw")
            if previous is not None:
                previous.result()  # it committed (or raises: then this flush rolls back)
            rows = []
            for index, seg in enumerate(segments):
                loaded, quarantined = counts.get(index, (0, 0))
                rows.append(
                    self._manifest(
                        seg.plan,
                        loaded_at,
                        loaded_bytes=seg.end_offset,
                        prefix_hash=seg.prefix_hash,
                        lines=(seg.first_line, seg.last_line),
                        last_line_offset=seg.last_line_offset,
                        complete=seg.last_line_complete,
                        loaded=loaded,
                        quarantined=quarantined,
                        retracted=retracted.get(seg.plan.path, 0) if seg.is_first else 0,
                        first=seg.is_first,
                    )
                )
            for plan in touched:
                rows.append(
                    self._manifest(
                        plan,
                        loaded_at,
                        loaded_bytes=plan.size_bytes,
                        prefix_hash=plan.hasher.hexdigest(),
                        retracted=self._retract(con, source, plan),
                    )
                )
            self._write_manifest(con, rows)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            self._cursors.put(con)

    def _files_table(self, source: Source, paths: list[str], plans: list[FilePlan]) -> pa.Table:
        files = pa.table(
            {
                "file_index": pa.array(range(len(paths)), pa.int32()),
                "source_file": paths,
                "owner": [self._owner(p) if source.owned_by_folder else None for p in paths],
                "is_subagent": [p.rpartition(os.sep)[2].startswith("agent-") for p in paths],
                "duplicate_of": pa.array([p.duplicate_of for p in plans], pa.string()),
            }
        )
        if source.kind == "csv":
            for name, values in csv_rows.header_columns(paths, source.typed).items():
                column = csv_rows.HEADER_SCHEMA.field(name)
                files = files.append_column(column, pa.array(values, column.type))
        return files

    def _owner(self, path: str) -> str:
        return self.claude_dir.owner if self.claude_dir is not None else transcript_owner(self.landing, path)

    @staticmethod
    def _lines_table(segments: list[Segment]) -> pa.Table:
        counts = np.array([len(s.lines) for s in segments])
        ends = np.cumsum(counts)
        # Each segment's line numbers run on from its first line.
        first = np.repeat(np.array([s.first_line for s in segments]) - (ends - counts), counts)
        unterminated = np.zeros(int(ends[-1]), dtype=bool)
        unterminated[ends[[not s.last_line_complete for s in segments]] - 1] = True
        # Views over the buffers read (files.py), unless one buffer was too large for them.
        types = {s.lines.type for s in segments}
        line_type = types.pop() if len(types) == 1 else pa.large_binary()
        return pa.table(
            {
                "file_index": np.repeat(np.arange(len(segments), dtype=np.int32), counts),
                "line_number": first + np.arange(int(ends[-1])),
                "line": pa.chunked_array([s.lines.cast(line_type) for s in segments], line_type),
                "unterminated": unterminated,
            }
        )

    def _counts(self, con: duckdb.DuckDBPyConnection, source: Source) -> dict[int, tuple[int, int]]:
        """Rows loaded and quarantined per segment (file_index) in this flush."""
        ((query, names),) = statements(source.counts_sql)
        params = {"batch_id": self.batch_id} if "batch_id" in names else {}
        return {r[0]: (r[1], r[2]) for r in con.execute(query, params).fetchall()}

    def _retract(self, con: duckdb.DuckDBPyConnection, source: Source, plan: FilePlan) -> int:
        """Deletes what an earlier load took from this file, from `plan.retract_from_line` on."""
        if plan.retract_from_line is None:
            return 0
        removed = 0
        line_column = "_record_index" if source.kind == "json_document" else "_line_number"
        for table in source.tables:
            removed += con.execute(
                f"delete from raw.{table} where _source_file = ? and {line_column} >= ?",  # noqa: S608 (fixed names)
                [plan.path, plan.retract_from_line - (1 if source.kind == "json_document" else 0)],
            ).fetchone()[0]
        removed += con.execute(
            "delete from raw.quarantine where _source_file = ? and coalesce(_line_number, 0) >= ?",
            [plan.path, plan.retract_from_line if source.kind != "json_document" else 0],
        ).fetchone()[0]
        return removed

    def _manifest(
        self,
        plan: FilePlan,
        loaded_at: datetime,
        *,
        loaded_bytes: int,
        prefix_hash: str,
        lines: tuple[int, int] | None = None,
        last_line_offset: int | None = None,
        complete: bool = True,
        loaded: int = 0,
        quarantined: int = 0,
        retracted: int = 0,
        first: bool = True,
    ) -> dict:
        """One manifest row (and the source's counts); `_write_manifest` inserts a flush's rows with them."""
        stats = self.stats[plan.source]
        action = plan.action if first else "appended"
        with self._stats_lock:
            if first:
                stats.actions["unchanged" if action == "touched" else action] += 1
            stats.rows_loaded += loaded
            stats.rows_quarantined += quarantined
            stats.rows_retracted += retracted
        previous = plan.previous
        keep = previous is not None and plan.action == "touched"
        return {
            "batch_id": self.batch_id,
            "source": plan.source,
            "path": plan.path,
            "action": action,
            "size_bytes": plan.size_bytes,
            "mtime_ns": plan.mtime_ns,
            "loaded_bytes": loaded_bytes,
            "prefix_hash": prefix_hash,
            "first_line": lines[0] if lines else None,
            "last_line": lines[1] if lines else None,
            "lines_total": lines[1] if lines else (previous.lines_total if keep else 0),
            "last_line_offset": last_line_offset
            if last_line_offset is not None
            else (previous.last_line_offset if keep else 0),
            "last_line_complete": complete,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "rows_retracted": retracted,
            "duplicate_of": plan.duplicate_of,
            "loaded_at": loaded_at,
        }

    @staticmethod
    def _write_manifest(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
        if not rows:
            return
        con.register("manifest_rows", pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA))
        columns = ", ".join(MANIFEST_SCHEMA.names)
        con.execute(f"insert into raw.load_manifest ({columns}) select {columns} from manifest_rows")  # noqa: S608
        con.unregister("manifest_rows")

    # -- JSON documents (Cursor Admin API exports) -----------------------------------------------------
    def _load_document(self, source: Source, plan: FilePlan) -> None:
        """A whole-file JSON export (documents.py), its rows, quarantine and manifest in one transaction."""
        con = self.con
        loaded_at = self._load_time()
        body = Path(plan.path).read_bytes()[: plan.size_bytes]
        plan.hasher.reset()
        plan.hasher.update(body)
        if plan.action == "touched":
            good, bad, period = documents.no_rows()
        else:
            window = (EARLIEST_PLAUSIBLE, loaded_at + CLOCK_SKEW)
            good, bad, period = documents.parse_daily_usage(body, plan.duplicate_of, window)
        con.begin()
        try:
            retracted = self._retract(con, source, plan) if plan.action == "replaced" else 0
            con.register("doc_rows", good)
            con.register("doc_bad", bad)
            run_script(
                con,
                "document.sql",
                {
                    "source_file": plan.path,
                    "batch_id": self.batch_id,
                    "loaded_at": loaded_at,
                    "period_start": period.get("startDate"),
                    "period_end": period.get("endDate"),
                    "source": source.name,
                },
            )
            con.unregister("doc_rows")
            con.unregister("doc_bad")
            rows = good.num_rows + bad.num_rows
            row = self._manifest(
                plan,
                loaded_at,
                loaded_bytes=plan.size_bytes,
                prefix_hash=plan.hasher.hexdigest(),
                lines=(min(1, rows), rows),
                loaded=good.num_rows,
                quarantined=bad.num_rows,
                retracted=retracted,
            )
            self._write_manifest(con, [row])
            con.commit()
        except BaseException:
            con.rollback()
            raise


def load(
    landing: Path,
    warehouse: Path,
    chunk_bytes: int = CHUNK_BYTES,
    claude_dir: ClaudeDir | None = None,
    measure_storage: bool = True,
) -> LoadSummary:
    con = connect(warehouse)
    try:
        summary = Loader(con, landing, chunk_bytes, claude_dir).run()
        # The part-filled row groups of this load's flushes (or a sensor's few new lines) are merged at the
        # closing checkpoint, so the raw tables stay a few full row groups. Left for later, they were merged
        # by the next process to write the warehouse, dbt, at its first checkpoint: at 1M transcript lines
        # 5.9 s in which two models committing side by side stalled, against 1.7-4.6 s more for the load.
        con.execute("set max_vacuum_tasks = 100")
        if measure_storage:
            record_table_storage(con, summary.batch_id, datetime.now(UTC))
        return summary
    finally:
        con.close()

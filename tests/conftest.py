from __future__ import annotations

import hashlib
import json
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from orchestration.generator import GenerateConfig, generate
from orchestration.loader import load
from orchestration.paths import Paths
from orchestration.pipeline import dbt_build
from orchestration.publish import publish, reader_files
from orchestration.quality import all_suites, run_gate

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
CANARY = "ZQX-CANARY-7f3e9b"


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before any test process starts: Dagster's definitions read the manifest,
    and test processes that each parsed it would write the same files at once."""
    if not hasattr(config, "workerinput"):  # the controller (or a run without workers)
        from orchestration.defs.project import prepare_manifest

        prepare_manifest()


# The longest tests, longest first: `make test`'s `--dist load` hands the first tests out to its two
# processes in turn, so both start on long ones and neither is left with one at the end.
LONGEST_FIRST = (
    "test_every_mart_equal_on_spark",  # the whole project built on Spark first (about 5 minutes)
    "test_sigkill_at_random_moments_then_recovery",
    "test_run_generates_loads_builds_and_tests",
    "test_late_lines_and_a_replaced_file_reach_every_layer_without_a_full_refresh",
    "test_review_report_names_the_changed_metric_and_nothing_else",
    "test_run_on_real_transcripts_alone",
    "test_real_transcripts_in_every_awkward_shape_publish",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.originalname, len(rank)))


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated organisation, shared read-only by the tests that only read it."""
    out = tmp_path_factory.mktemp("sample") / "landing"
    generate(GenerateConfig(out=out, developers=8, days=10, seed=11, workers=1, canary=CANARY))
    return out


@pytest.fixture
def landing_copy(sample_landing: Path, tmp_path: Path) -> Path:
    """A private copy of the sample that a test may change."""
    target = tmp_path / "landing"
    shutil.copytree(sample_landing, target)
    return target


@pytest.fixture
def real_landing(tmp_path: Path) -> Path:
    """The real Claude Code transcripts laid out as one developer's ~/.claude (copied to tmp, never the repo)."""
    projects = REALDATA / "claude-code-viewer" / "projects"
    if not projects.is_dir():
        pytest.skip("../shared/realdata is not present on this machine")
    target = tmp_path / "landing" / "claude_code" / "viewer" / "projects"
    shutil.copytree(projects, target)
    return tmp_path / "landing"


@pytest.fixture(scope="session")
def validated(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Paths:
    """The one generated organisation of the suite (large enough for every k-anonymous group, canaries planted
    in every payload), loaded, built, validated and published once per `make test`: the first test process
    that needs it builds it while the other waits, and both read it. Nothing writes to it afterwards; tests
    that change a home work on a copy (`home_copy`)."""
    if worker_id == "master":  # no test processes: a plain pytest run
        return build_world(Paths(tmp_path_factory.mktemp("world")))
    shared = tmp_path_factory.getbasetemp().parent  # the folder every test process's temp folder is in
    paths = Paths(shared / "world")
    with FileLock(str(shared / "world.lock")):
        if not (shared / "world.ready").exists():
            build_world(paths)
            (shared / "world.ready").touch()
    return paths


def build_world(paths: Paths) -> Paths:
    # With the seed's two experiments running, so their readout and marts have rows to check.
    generate(GenerateConfig(out=paths.landing, developers=20, days=14, seed=5, canary=CANARY, plant_experiments=True))
    load(paths.landing, paths.warehouse)
    assert dbt_build(paths), "dbt build (models and all their tests) failed on the generated organisation"
    gate = run_gate(paths)
    assert gate.passed, [f.describe() for f in gate.failures]
    suites = all_suites()
    assert gate.suites_run == len(suites) >= 20
    assert gate.expectations_run == sum(len(suite["expectations"]) for suite in suites.values())
    assert gate.data_docs is not None and gate.data_docs.exists()
    publish(paths)
    return paths


@pytest.fixture
def home_copy(validated: Paths, tmp_path: Path) -> Paths:
    """A private copy of the validated home (landing, warehouse, published files) that a test may change."""
    paths = Paths(tmp_path / "home")
    shutil.copytree(validated.home, paths.home, symlinks=True)
    return paths


def digests(folder: Path) -> dict[str, str]:
    """sha256 of each file readers can open now: equal digests mean the bytes did not change."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for files in reader_files(folder).values()
        for p in files
    }


def opaque(text: str) -> str:
    """What the loader stores in place of a value or name it does not keep (macros.sql, `opaque`)."""
    return "h:" + hashlib.md5(text.encode()).hexdigest()[:20]


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# Columns that record which run wrote a row (its start, and fingerprints that include it), not what the row says:
# two builds of the same files differ in them by design.
RUN_COLUMNS = {"built_at", "scope_fingerprint"}


def built_rows(
    warehouse: Path, relation: str, where: str = "true", params: list | None = None, without: set[str] = RUN_COLUMNS
) -> list[tuple]:
    """A built table's rows (those `where` holds), sorted, without the columns `without` names: by default those
    that record which run wrote them (RUN_COLUMNS)."""
    names = query(warehouse, f"select name from pragma_table_info('{relation}')")
    columns = ", ".join(f'"{name}"' for (name,) in names if name not in without)
    return sorted(query(warehouse, f"select {columns} from {relation} where {where}", params), key=repr)


def accounted_lines(warehouse: Path) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(file, line) pairs found in raw tables and in quarantine."""
    raw = query(
        warehouse,
        """
        select _source_file, _line_number from raw.claude_code_records
        union all select distinct _source_file, _line_number from raw.otel_log_records
        union all select distinct _source_file, _line_number from raw.otel_metric_points
        union all select _source_file, _line_number from raw.cursor_usage_events
        union all select _source_file, _line_number from raw.org_directory
        union all select _source_file, _line_number from raw.experiment_assignments
        """,
    )
    quarantined = query(
        warehouse, "select _source_file, _line_number from raw.quarantine where _line_number is not null"
    )
    return raw, quarantined


def file_lines(landing: Path, patterns: tuple[str, ...] = ("claude_code/**/*.jsonl", "otel/**/*.jsonl")) -> set:
    """Every line of the line-based files, counted independently of the loader."""
    expected = set()
    for pattern in patterns:
        for path in landing.glob(pattern):
            data = path.read_bytes()
            n = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
            expected |= {(str(path.resolve()), i) for i in range(1, n + 1)}
    return expected


def usage_lines(root: Path):
    """Every assistant line with usage under `root`, read straight from the files: (message id and request id,
    UTC day, tokens by kind). A count written as a numeric string is read as its number."""
    for path in sorted(root.glob("**/*.jsonl")):
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
            yield (message["id"], record.get("requestId") or ""), record["timestamp"][:10], tokens


def independent_daily(landing: Path, *, keep: str, owner: str = "") -> dict[str, tuple[int, int, int, int]]:
    """Tokens per UTC day straight from the files (of one ~/.claude owner's folder, or all): each response's
    largest line, or its first (as ccusage)."""
    kept: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = {}
    root = landing / "claude_code" / owner if owner else landing / "claude_code"
    for key, day, tokens in usage_lines(root):
        if key not in kept or (keep == "largest" and sum(tokens) > sum(kept[key][1])):
            kept[key] = (day, tokens)
    daily: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for day, tokens in kept.values():
        for i, value in enumerate(tokens):
            daily[day][i] += value
    return {day: tuple(values) for day, values in daily.items()}


def assert_no_canary(warehouse: Path) -> int:
    """No text-bearing column of any table holds the canary (DuckDB compresses strings, so a byte scan alone
    could miss one), and no byte of the file or its WAL does. Returns how many columns it queried."""
    columns = query(
        warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type not in ('BIGINT', 'INTEGER', 'BOOLEAN', 'DOUBLE', 'TIMESTAMP WITH TIME ZONE')",
    )
    for schema, table, column in columns:
        hits = query(
            warehouse,
            f'select count(*) from "{schema}"."{table}" where cast("{column}" as varchar) ilike ?',
            [f"%{CANARY}%"],
        )[0][0]
        assert hits == 0, f"canary found in {schema}.{table}.{column}"
    for path in warehouse.parent.glob(f"{warehouse.name}*"):
        assert CANARY.encode() not in path.read_bytes(), path
    return len(columns)


__all__ = [
    "CANARY",
    "accounted_lines",
    "assert_no_canary",
    "digests",
    "file_lines",
    "independent_daily",
    "load",
    "query",
    "usage_lines",
]

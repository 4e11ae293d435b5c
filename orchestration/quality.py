"""The Great Expectations gate: every published mart's suite runs on the candidate marts first.

Suites live in expectations/ as Great Expectations JSON, reviewed like code. GX 1.24 over SQLAlchemy and
duckdb-engine returns no metric rows, so each mart is fetched from DuckDB as a DataFrame and validated as
a pandas batch. Beside the mart suites, computed frames are validated too: token reconciliation between
layers, source freshness and a cost-spike check against each day's trailing median. Results are stored and
rendered as GX Data Docs under $AI_TELEMETRY_HOME/gx.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.paths import PROJECT_DIR, Paths
from orchestration.state_files import write_state, write_whole

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
# A day's cost per active developer above this multiple of its trailing median (up to 14 earlier days,
# at least 7) fails the gate.
COST_SPIKE_MULTIPLE = float(os.environ.get("AI_TELEMETRY_COST_SPIKE_MULTIPLE", "15"))
# A source whose newest record trails the newest of all sources by more than this raises a freshness alert.
MAX_SOURCE_LAG_HOURS = float(os.environ.get("AI_TELEMETRY_MAX_SOURCE_LAG_HOURS", "72"))
# Plausibility: a developer-day's tokens or cost above this multiple of the 99th percentile of all
# developer-days (the data's own history) is not believed; nor a cost above its tokens at the highest price
# any price table knows (times PRICE_SLACK, for Cursor's own billing), nor a day outside the load window.
HISTORY_MULTIPLE = float(os.environ.get("AI_TELEMETRY_HISTORY_MULTIPLE", "100"))
PRICE_SLACK = 2.0
EARLIEST_DAY = "2024-01-01"
# Old data is news for the platform team, not a reason to withhold everyone's marts: these suites raise
# alerts (non-blocking checks) instead of holding the publish back.
ALERT_ONLY = frozenset({"freshness"})
FRAME_PARAMETERS = {"price_slack": PRICE_SLACK, "earliest_day": EARLIEST_DAY}

COMPUTED_FRAMES = {
    "reconciliation_tokens": """
        -- Each kind of token counts where it is known: a row with one count blank (a Cursor export may leave
        -- one out) still has the others, on both sides (a sum of the row left it out of one side only).
        with mart as (
            select activity_date, sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)
                                      + coalesce(cache_creation_tokens, 0) + coalesce(cache_read_tokens, 0)) as t
            from marts.developer_daily_v1 group by 1
        ),
        staged as (
            select cast(responded_at as date) as activity_date,
                   coalesce(input_tokens, 0) + coalesce(output_tokens, 0) + coalesce(cache_creation_tokens, 0)
                   + coalesce(cache_read_tokens, 0) as t
            from staging.stg_claude_code__api_usage
            union all
            select cast(occurred_at as date), coalesce(input_tokens, 0) + coalesce(output_tokens, 0)
                   + coalesce(cache_read_tokens, 0) + coalesce(input_with_cache_write_tokens - input_tokens, 0)
            from staging.stg_cursor__usage_events
            union all
            -- OpenTelemetry's events count for the sessions no transcript records (int_otel__events): without
            -- them a developer who exports OpenTelemetry alone failed this suite, and held back every publish.
            select cast(o.occurred_at as date), coalesce(o.input_tokens, 0) + coalesce(o.output_tokens, 0)
                   + coalesce(o.cache_creation_tokens, 0) + coalesce(o.cache_read_tokens, 0)
            from staging.stg_otel__events as o
            where o.otel_event_name in ('user_prompt', 'api_request', 'api_error', 'tool_result')
              and not exists (select 1 from intermediate.int_claude_code_sessions_context as s
                              where s.session_id = o.session_id)
        ),
        staged_days as (select activity_date, sum(t) as t from staged group by 1)
        select coalesce(mart.activity_date, staged_days.activity_date) as activity_date,
               coalesce(mart.t, 0) as mart_tokens, coalesce(staged_days.t, 0) as staged_tokens,
               coalesce(mart.t, 0) - coalesce(staged_days.t, 0) as difference
        from mart full outer join staged_days on mart.activity_date = staged_days.activity_date
    """,
    "freshness": """
        with newest as (
            select landing_source, newest_event_at from marts.source_freshness_v1 where newest_event_at is not null
        )
        select landing_source, newest_event_at,
               (epoch((select max(newest_event_at) from newest)) - epoch(newest_event_at)) / 3600.0 as lag_hours
        from newest
    """,
    "plausibility": """
        with days as (
            select developer_id, activity_date, total_tokens, cost_usd from marts.developer_daily_v1
        ),
        prices as (
            select greatest(input_usd_per_mtok, output_usd_per_mtok, cache_write_usd_per_mtok,
                            cache_read_usd_per_mtok) as usd_per_mtok from reference.model_prices
            union all
            select greatest(input_usd_per_mtok, output_usd_per_mtok, coalesce(cache_write_usd_per_mtok, 0),
                            coalesce(cache_read_usd_per_mtok, 0)) from reference.model_price_catalog
        ),
        history as (
            select greatest(quantile_cont(total_tokens, 0.99), 100000) as tokens_p99,
                   greatest(quantile_cont(cost_usd, 0.99), 10) as cost_p99
            from days
        )
        select days.developer_id, days.activity_date, days.total_tokens, days.cost_usd,
               -- 0 when the cost is what its tokens can cost at most; 1 when it is more.
               case when days.cost_usd <= days.total_tokens * (select max(usd_per_mtok) from prices)
                                          * $price_slack / 1000000.0 + 0.01 then 0 else 1 end
                   as cost_beyond_its_tokens,
               days.total_tokens / history.tokens_p99 as tokens_to_history_p99,
               days.cost_usd / history.cost_p99 as cost_to_history_p99,
               case when days.activity_date between cast($earliest_day as date) and current_date + 1 then 0 else 1 end
                   as outside_load_window
        from days cross join history
    """,
    "cost_distribution": """
        with days as (
            select activity_date, sum(cost_usd) as cost_usd, max(active_developers) as developers
            from marts.org_daily_v1 group by 1
        ),
        with_trailing as (
            select activity_date, cost_usd, cost_usd / developers as cost_per_developer,
                   median(cost_usd / developers) over recent as trailing_median,
                   count(*) over recent as trailing_days
            from days
            window recent as (order by activity_date rows between 14 preceding and 1 preceding)
        )
        select activity_date, cost_usd, cost_per_developer, trailing_median,
               case when trailing_days >= 7 and trailing_median > 0 then cost_per_developer / trailing_median end
                   as ratio_to_trailing_median
        from with_trailing
    """,
}


@dataclass(frozen=True)
class Failure:
    suite: str
    expectation: str
    column: str | None
    unexpected_count: int | None
    unexpected_sample: list

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        rows = f": {self.unexpected_count} rows, e.g. {self.unexpected_sample[:5]}" if self.unexpected_count else ""
        return f"{self.suite}: {self.expectation}{where}{rows}"


@dataclass
class GateResult:
    failures: list[Failure] = field(default_factory=list)  # blocking: nothing is published
    warnings: list[Failure] = field(default_factory=list)  # alerts: reported, published anyway
    suites_run: int = 0
    expectations_run: int = 0
    data_docs: Path | None = None

    @property
    def passed(self) -> bool:
        return not self.failures


def load_suites() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(EXPECTATIONS_DIR.glob("*.json"))}


def computed_suites() -> dict[str, dict]:
    def suite(name: str, expectations: list[dict]) -> dict:
        return {"name": name, "expectations": expectations, "meta": {"source": "orchestration/quality.py"}}

    def between(column: str, **bounds: float) -> dict:
        return {"type": "expect_column_values_to_be_between", "kwargs": {"column": column, **bounds}, "meta": {}}

    return {
        "reconciliation_tokens": suite("reconciliation_tokens", [between("difference", min_value=0, max_value=0)]),
        "freshness": suite("freshness", [between("lag_hours", min_value=0, max_value=MAX_SOURCE_LAG_HOURS)]),
        "plausibility": suite(
            "plausibility",
            [
                between("cost_beyond_its_tokens", min_value=0, max_value=0),
                between("tokens_to_history_p99", min_value=0, max_value=HISTORY_MULTIPLE),
                between("cost_to_history_p99", min_value=0, max_value=HISTORY_MULTIPLE),
                between("outside_load_window", min_value=0, max_value=0),
            ],
        ),
        "cost_distribution": suite(
            "cost_distribution", [between("ratio_to_trailing_median", min_value=0, max_value=COST_SPIKE_MULTIPLE)]
        ),
    }


def all_suites() -> dict[str, dict]:
    """Every suite the whole gate runs: expectations/ and the computed ones."""
    return {**load_suites(), **computed_suites()}


def fetch_frames(warehouse: Path, suites: dict[str, dict]) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")  # days are UTC days, whatever the machine's zone
    try:
        frames = {}
        for name in suites:
            sql = COMPUTED_FRAMES.get(name) or f'select * from marts."{name}"'  # noqa: S608 (names from our suites)
            params = {k: v for k, v in FRAME_PARAMETERS.items() if f"${k}" in sql}
            frames[name] = con.execute(sql, params).df()
        return frames
    finally:
        con.close()


def _import_great_expectations() -> None:
    """Imports GX with pyspark hidden from it. GX probes pyspark's Connect DataFrame at import, and with
    pyspark 4 installed (for `ai-telemetry spark`) but not Connect's gRPC packages, pyspark takes any process
    whose __main__ has no file (`python -c`, a pytest-xdist worker) for its own doctest run and exits it, with
    status 0, in the middle of the gate. The gate validates pandas frames and needs no Spark."""
    if "great_expectations" in sys.modules or "pyspark" in sys.modules:
        return  # imported already, or this process uses Spark itself
    sys.modules["pyspark"] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        import great_expectations  # noqa: F401
    finally:
        del sys.modules["pyspark"]


RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 10}


class StoredCheckpoints:
    """The gate's GX objects (asset, suite, validation definition, checkpoint per suite), kept in the GX project
    between runs and re-added only when a suite's specification changed: re-adding all 150 objects each run
    compared and rewrote every one of them, a third of a 50-suite gate. The fingerprints of what is stored
    are in a small JSON file beside GX's own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.fingerprints: dict[str, str] = json.loads(path.read_text())
        except (OSError, ValueError):  # none yet, or unreadable: every suite's objects are re-added
            self.fingerprints = {}

    @staticmethod
    def fingerprint(spec: dict) -> str:
        text = json.dumps({"spec": spec, "result_format": RESULT_FORMAT}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, context, name: str, spec: dict):
        if self.fingerprints.get(name) != self.fingerprint(spec):
            return None
        try:
            return context.checkpoints.get(f"gate_{name}")
        except Exception:  # any store error: the objects are re-added below
            return None

    def add(self, context, source, name: str, spec: dict):
        import great_expectations as gx
        from great_expectations.core.expectation_suite import ExpectationSuite
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        asset = source.get_asset(name) if name in source.get_asset_names() else source.add_dataframe_asset(name)
        batch = (
            asset.get_batch_definition("whole")
            if "whole" in [b.name for b in asset.batch_definitions]
            else asset.add_batch_definition_whole_dataframe("whole")
        )
        fingerprint = self.fingerprint(spec)  # before GX adds its version to the suite's meta
        suite = ExpectationSuite(name=name, meta=dict(spec.get("meta", {})))
        for item in spec["expectations"]:
            suite.add_expectation_configuration(ExpectationConfiguration(type=item["type"], kwargs=item["kwargs"]))
        suite = context.suites.add_or_update(suite)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        # No per-checkpoint docs action: rendering Data Docs after each suite was over half the gate's time.
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"gate_{name}", validation_definitions=[definition], actions=[], result_format=RESULT_FORMAT
            )
        )
        self.fingerprints[name] = fingerprint
        return checkpoint

    def save(self) -> None:
        write_state(self.path, self.fingerprints)


KEPT_VALIDATION_RUNS = 20


def prune_validation_results(paths: Paths, keep: int = KEPT_VALIDATION_RUNS) -> int:
    """Keeps each suite's `keep` newest stored validation results (and their rendered Data Docs pages) and
    deletes older ones; returns how many were deleted. The fresh path gates every few seconds, and GX's Data
    Docs index lists every stored result, so an unpruned store made each gate slower than the last. GX names
    a run's folder by its UTC time (20261203T151734.118455Z), so names sort by age."""
    deleted = 0
    for store in (gx_uncommitted(paths) / "validations", data_docs_site(paths) / "validations"):
        for runs in store.glob("*/*"):  # <suite>/<run name, __none__ when unnamed>
            if not runs.is_dir():
                continue
            for old in sorted(p for p in runs.iterdir() if p.is_dir())[:-keep]:
                shutil.rmtree(old)
                deleted += 1
    return deleted


def gx_context(paths: Paths):
    """The home's GX project (file mode), created on first use."""
    _import_great_expectations()
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    context = gx.get_context(mode="file", project_root_dir=str(paths.home))
    if context.variables.config_variables_file_path:
        # No config variables are used here, and GX re-reads and re-parses their YAML file on every lookup of
        # a context variable: 1,834 times in a gate of 50 suites, a third of its time. Off once per home.
        context.variables.config_variables_file_path = None
        context.variables.save()
        context = gx.get_context(mode="file", project_root_dir=str(paths.home))
    return context


def _in_background(task: Callable[..., object], *args: object) -> Future:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx")
    future = pool.submit(task, *args)
    pool.shutdown(wait=False)  # its one thread ends with this task
    return future


def gx_context_in_background(paths: Paths) -> Future:
    """`gx_context` on a thread of its own, for a caller with something else to wait on first. In a new process
    (each Dagster run of the fresh path) importing GX takes 3-4 s; the fresh path opens the context while its
    dbt build runs in a subprocess, so the import is paid on the other core. The future re-raises any error."""
    return _in_background(gx_context, paths)


def import_great_expectations_in_background() -> Future:
    """GX's import on a thread of its own, for a process that will gate after long work of its own (the full run's
    dbt step, when the gate follows in its process: `defs/checks.py`'s `gates_in_this_process`). The gate's own
    import then finds GX imported, or waits for this one to finish; if this one failed, the gate's import tries
    again and raises there."""
    return _in_background(_import_great_expectations)


def gx_uncommitted(paths: Paths) -> Path:
    """The GX project's run-time folder: stored results, the gate's own records, the Data Docs site."""
    return paths.home / "gx" / "uncommitted"


def data_docs_site(paths: Paths) -> Path:
    """The Data Docs site GX renders: index.html and a page per stored result."""
    return gx_uncommitted(paths) / "data_docs" / "local_site"


def last_gate_record(paths: Paths) -> Path:
    """Which validation results the newest gate stored: what `render_data_docs` renders."""
    return gx_uncommitted(paths) / "last_gate_results.json"


def render_data_docs(paths: Paths, results: list | None = None, context=None) -> Path | None:
    """Renders a gate's results (by default the newest whole gate's) and the site's index into GX Data Docs;
    returns the index page.

    Apart from the gate so that a publish need not wait for its report: on a 1M-line home with 1,000 results
    kept, rendering took 2.6-3.2 s beside 4.5-6.6 s of validating (more as the kept results grow, since the index
    lists them all). The pipeline renders after the publish, or at once when the gate failed and nothing is
    published."""
    from great_expectations.data_context.types.resource_identifiers import ValidationResultIdentifier

    if results is None:
        try:
            stored = json.loads(last_gate_record(paths).read_text())
        except (OSError, ValueError):  # no gate yet, or its record unreadable: nothing to render
            return None
        results = [ValidationResultIdentifier.from_tuple(parts) for parts in stored]
    context = context or gx_context(paths)
    # Once, for this gate's results only: rendering every result ever stored grew with each run.
    context.build_data_docs(resource_identifiers=results)
    docs = data_docs_site(paths) / "index.html"
    return docs if docs.exists() else None


def run_gate(paths: Paths, marts: Collection[str] | None = None, data_docs: bool = True, context=None) -> GateResult:
    """Validates the candidate marts (only the suites of `marts` when given: the fresh path gates the
    developer marts it rebuilt); nothing is published unless the result passed. `data_docs=False` leaves the
    rendering to `render_data_docs` (the pipeline's, after the publish) or to nobody (the fresh path, whose
    gates every few seconds are of the developer marts only: the site stays as the last full gate left it).
    `context`: the home's GX context when the caller opened it already (`gx_context_in_background`)."""
    suites = all_suites()
    if marts is not None:
        suites = {name: spec for name, spec in suites.items() if name in marts}
    frames = fetch_frames(paths.warehouse, suites)
    context = context or gx_context(paths)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bar per suite in the run's log
    # Kept between runs with its assets: re-adding them wrote the project's YAML twice per suite (101 writes,
    # 40% of a small gate).
    try:
        source = context.data_sources.get("candidate_marts")
    except KeyError:
        source = context.data_sources.add_pandas("candidate_marts")
    result = GateResult()
    rendered: list = []  # this run's validation result ids, for Data Docs (render_data_docs)
    stored = StoredCheckpoints(gx_uncommitted(paths) / "gate_checkpoints.json")
    for name, spec in suites.items():
        checkpoint = stored.get(context, name, spec) or stored.add(context, source, name, spec)
        run = checkpoint.run(batch_parameters={"dataframe": frames[name]})
        result.suites_run += 1
        rendered.extend(run.run_results)
        for validation in run.run_results.values():
            for outcome in validation.results:
                result.expectations_run += 1
                if not outcome.success:
                    kwargs = outcome.expectation_config.kwargs
                    (result.warnings if name in ALERT_ONLY else result.failures).append(
                        Failure(
                            suite=name,
                            expectation=outcome.expectation_config.type,
                            column=kwargs.get("column") or ",".join(kwargs.get("column_list", [])) or None,
                            unexpected_count=outcome.result.get("unexpected_count"),
                            unexpected_sample=list(outcome.result.get("partial_unexpected_list") or []),
                        )
                    )
    stored.save()
    prune_validation_results(paths)
    if marts is None:  # a whole gate, the one the pipeline renders after its publish (the fresh path's is partial)
        write_whole(last_gate_record(paths), json.dumps([list(result_id.to_tuple()) for result_id in rendered]))
    if data_docs:
        result.data_docs = render_data_docs(paths, rendered, context)
    return result

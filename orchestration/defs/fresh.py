"""The fresh path in Dagster: its job (new lines load, the developer marts rebuild and pass their gate, and
only the developers whose rows changed get a new published file: orchestration/fresh.py) and the sensor that
starts it. Its own code location (orchestration/fresh_definitions.py): a run worker that imports no dbt or
dagster-dbt starts in about 2 s instead of about 6."""

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    Failure,
    OpExecutionContext,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    in_process_executor,
    job,
    op,
    sensor,
)

from orchestration.defs.home import TelemetryHome
from orchestration.fresh import FreshError, refresh_developer_files
from orchestration.landing import all_loaded, landing_files, landing_fingerprint
from orchestration.paths import Paths

# Runs that hold (or are about to hold) the warehouse: DuckDB lets one process write it at a time.
ACTIVE = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


@op(description="Load new lines, build and gate the developer marts, publish the developers whose rows changed.")
def refresh_developers(context: OpExecutionContext, telemetry: TelemetryHome) -> None:
    try:
        result = refresh_developer_files(telemetry.paths())
    except FreshError as error:
        raise Failure(description=str(error)) from error
    context.log.info(result.describe())


# In the run worker's own process: a step process would start and import everything a second time (2 s).
@job(
    description="The fresh path: a new transcript line in its developer's published file within seconds.",
    executor_def=in_process_executor,
)
def fresh_developer_files() -> None:
    refresh_developers()


def landing_changed(context: SensorEvaluationContext) -> RunRequest | SkipReason:
    """A run request keyed by the landing folder's state when it changed since the sensor's cursor."""
    paths = Paths.from_env()
    files = landing_files(paths)
    fingerprint = landing_fingerprint(files)
    if fingerprint == context.cursor:
        return SkipReason("no new or grown files in the landing folder")
    if context.cursor is None:
        # The first tick has nothing to compare with: ask the load manifest rather than run for nothing.
        loaded = all_loaded(paths, files)
        if loaded is None:
            return SkipReason("cannot read the warehouse's load manifest yet; trying again next tick")
        if loaded:
            context.update_cursor(fingerprint)
            return SkipReason("every landing file is already loaded")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)


@sensor(job=fresh_developer_files, minimum_interval_seconds=3, default_status=DefaultSensorStatus.RUNNING)
def fresh_lines(context: SensorEvaluationContext):
    """Every 3 s: when transcript or other landing files grew, the fresh path publishes the developers whose
    rows changed (a new line in its developer's file within 30 s). Waits while any run holds the warehouse.
    On by default; stop it under Automation."""
    if context.instance.get_runs_count(RunsFilter(statuses=ACTIVE)):
        return SkipReason("a run holds the warehouse; trying again next tick")
    return landing_changed(context)

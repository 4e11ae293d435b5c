"""Sensors: the fresh path whenever lines land; a full run on new files (off by default); new alerts
delivered once to their channels."""

from __future__ import annotations

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.alerts import deliver
from orchestration.defs.fresh import fresh_developer_files
from orchestration.defs.jobs import full_run
from orchestration.landing import all_loaded, landing_files, landing_fingerprint
from orchestration.paths import Paths


def _landing_changed(context: SensorEvaluationContext) -> RunRequest | SkipReason:
    """A run request keyed by the landing folder's state when it changed since the cursor."""
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


# Runs that hold (or are about to hold) the warehouse: DuckDB lets one process write it at a time.
ACTIVE = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


@sensor(job=fresh_developer_files, minimum_interval_seconds=5, default_status=DefaultSensorStatus.RUNNING)
def fresh_lines(context: SensorEvaluationContext):
    """Every 5 s: when transcript or other landing files grew, the fresh path publishes the developers whose
    rows changed (issue 15's goal: a new line in its developer's file within 30 s). Waits while any run holds
    the warehouse. On by default; stop it under Automation."""
    if context.instance.get_runs_count(RunsFilter(statuses=ACTIVE)):
        return SkipReason("a run holds the warehouse; trying again next tick")
    return _landing_changed(context)


@sensor(job=full_run, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED)
def new_raw_files(context: SensorEvaluationContext):
    """Starts the full run when files land in (or grow under) the landing folder."""
    return _landing_changed(context)


@sensor(minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def deliver_alerts(_context: SensorEvaluationContext):
    """Sends the published alerts marts' new and resolved alerts, once each, to the channels of alerts.json
    (a JSONL file by default). On by default; stop it in the UI (Automation) or with `dagster sensor stop
    deliver_alerts`."""
    return SkipReason(deliver(Paths.from_env()).describe())

"""Sensors: a run whenever new raw files land; new alerts delivered once to their channels."""

from __future__ import annotations

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.alerts import deliver
from orchestration.defs.jobs import full_run
from orchestration.landing import all_loaded, landing_files, landing_fingerprint
from orchestration.paths import Paths


@sensor(job=full_run, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED)
def new_raw_files(context: SensorEvaluationContext):
    """Starts the full run when files land in (or grow under) the landing folder."""
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


@sensor(minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def deliver_alerts(_context: SensorEvaluationContext):
    """Sends the published alerts marts' new and resolved alerts, once each, to the channels of alerts.json
    (a JSONL file by default). On by default; stop it in the UI (Automation) or with `dagster sensor stop
    deliver_alerts`."""
    return SkipReason(deliver(Paths.from_env()).describe())

"""Sensors: a full run on new files (off by default; the fresh path's sensor is in defs/fresh.py); new
alerts delivered once to their channels."""

from __future__ import annotations

from dagster import DefaultSensorStatus, SensorEvaluationContext, SkipReason, sensor

from orchestration.alerts import deliver
from orchestration.defs.fresh import landing_changed
from orchestration.defs.jobs import full_run
from orchestration.paths import Paths


@sensor(job=full_run, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED)
def new_raw_files(context: SensorEvaluationContext):
    """Starts the full run when files land in (or grow under) the landing folder."""
    return landing_changed(context)


@sensor(minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def deliver_alerts(_context: SensorEvaluationContext):
    """Sends the published alerts marts' new and resolved alerts, once each, to the channels of alerts.json
    (a JSONL file by default). On by default; stop it in the UI (Automation) or with `dagster sensor stop
    deliver_alerts`."""
    return SkipReason(deliver(Paths.from_env()).describe())

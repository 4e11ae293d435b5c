"""Sensors: a run whenever new raw files land."""

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.defs.jobs import full_run
from orchestration.paths import Paths


def landing_fingerprint(paths: Paths) -> str:
    """Count, total size and newest change of the landing files: changes when any file lands or grows."""
    count = size = newest = 0
    if paths.landing.exists():
        for path in paths.landing.rglob("*"):
            if path.is_file():
                stat = path.stat()
                count, size, newest = count + 1, size + stat.st_size, max(newest, stat.st_mtime_ns)
    return f"{count}:{size}:{newest}"


@sensor(job=full_run, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED)
def new_raw_files(context: SensorEvaluationContext):
    """Starts the full run when files land in (or grow under) the landing folder."""
    fingerprint = landing_fingerprint(Paths.from_env())
    if fingerprint == context.cursor:
        return SkipReason("no new or grown files in the landing folder")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)

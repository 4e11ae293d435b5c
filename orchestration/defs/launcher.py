"""The run launcher `dagster dev` uses here: Dagster's default, plus a health check for run monitoring.

A run whose worker process was killed (SIGKILL, a closed laptop lid that ended the process) never reports its
own end, so with the default launcher it stays "Started" for ever. This launcher tells the run-monitoring
daemon whether the worker is alive: the process id the worker logged when it started ("Started process for
run (pid: N)") is looked up on this machine, where `dagster dev` runs its workers.
"""

from __future__ import annotations

import os

from dagster import DagsterEventType, DagsterRun, DefaultRunLauncher
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus


def worker_pid(instance: object, run_id: str) -> int | None:
    """The pid the run worker logged when it started, or None before it has."""
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.engine_event_data if event else None
        if data is not None and "pid" in data.metadata and "Started process for run" in (entry.message or ""):
            return int(data.metadata["pid"].value)
    return None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class MonitoredRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose runs' workers the run-monitoring daemon can check."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        pid = worker_pid(self._instance, run.run_id)
        if pid is None or process_alive(pid):
            # No pid yet: still starting, which run monitoring's start timeout already covers.
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(WorkerStatus.FAILED, f"the run worker (pid {pid}) is no longer running")

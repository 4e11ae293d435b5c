"""A Dagster logger for `ai-telemetry run`: one line per step as it starts and as it ends, live.

The console logger is silenced there (every event goes to the run's log file); this one prints only step
boundaries, with each step's time and how many assets it materialised, to the terminal itself (stdout is
redirected to dbt's log while the job runs).
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter

from dagster import InitLoggerContext, logger

# A long step (the dbt build) says how far it is at most this often.
PROGRESS_EVERY_SECONDS = 10.0


class StepProgress(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.materialised: Counter[str] = Counter()
        self.checked: Counter[str] = Counter()
        self.last_line = time.monotonic()

    def _write(self, line: str) -> None:
        sys.__stdout__.write(line + "\n")
        sys.__stdout__.flush()
        self.last_line = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None or event.step_key is None:
            return
        step, kind = event.step_key, event.event_type_value
        if kind in ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"):
            (self.materialised if kind == "ASSET_MATERIALIZATION" else self.checked)[step] += 1
            if time.monotonic() - self.last_line >= PROGRESS_EVERY_SECONDS:
                self._write(
                    f"  {step:<24} ... {self.materialised[step]} asset(s), {self.checked[step]} check(s) so far"
                )
        elif kind == "STEP_START":
            self._write(f"  {step:<24} ...")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            seconds = (getattr(event.event_specific_data, "duration_ms", None) or 0) / 1000
            outcome = "ok" if kind == "STEP_SUCCESS" else "FAILED"
            self._write(
                f"  {step:<24} {outcome:<6} {seconds:>6.1f} s  {self.materialised[step]:>4} asset(s) materialised"
            )


@logger(description="Step lines, live, for `ai-telemetry run`.")
def step_progress(_context: InitLoggerContext) -> logging.Logger:
    progress = logging.Logger("ai_telemetry.progress", level=logging.DEBUG)
    progress.addHandler(StepProgress())
    return progress

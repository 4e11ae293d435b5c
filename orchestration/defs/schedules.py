"""Schedules."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.defs.jobs import full_run

nightly_full_run = ScheduleDefinition(
    name="nightly_full_run",
    job=full_run,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="The whole pipeline every night at 03:00 UTC.",
)

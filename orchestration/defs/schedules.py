"""Schedules."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, RunRequest, ScheduleDefinition, ScheduleEvaluationContext, schedule

from orchestration.defs.jobs import full_run
from orchestration.defs.reports import executive_summary, weekly_team_reports

nightly_full_run = ScheduleDefinition(
    name="nightly_full_run",
    job=full_run,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="The whole pipeline every night at 03:00 UTC.",
)


@schedule(
    job=weekly_team_reports,
    cron_schedule="0 7 * * 1",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Every Monday 07:00 UTC: each team's summary of the week before (sent when reports.json says how).",
)
def weekly_team_reports_schedule(_context: ScheduleEvaluationContext) -> RunRequest:
    return RunRequest()


def _executive_run(period: str) -> RunRequest:
    return RunRequest(run_key=period, run_config={"ops": {"executive_summary_pdf": {"config": {"period": period}}}})


@schedule(
    job=executive_summary,
    cron_schedule="0 7 1 * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="The 1st of each month, 07:00 UTC: the executive summary of the month before.",
)
def monthly_executive_summary(context: ScheduleEvaluationContext) -> RunRequest:
    from orchestration.reports.make import last_complete_month  # the reports' modules import matplotlib

    return _executive_run(last_complete_month(context.scheduled_execution_time.date()))


@schedule(
    job=executive_summary,
    cron_schedule="30 7 1 1,4,7,10 *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="The 1st of each quarter, 07:30 UTC: the executive summary of the quarter before.",
)
def quarterly_executive_summary(context: ScheduleEvaluationContext) -> RunRequest:
    from orchestration.reports.make import last_complete_quarter

    return _executive_run(last_complete_quarter(context.scheduled_execution_time.date()))

"""The reports as Dagster jobs: each team's weekly summary (sent when reports.json names an SMTP server and
the team's recipients), and the executive summary PDF of a month or a quarter."""

from dagster import Config, OpExecutionContext, job, op

from orchestration.defs.resources import TelemetryHome

# The reports' modules are imported by the ops that use them: their charts import matplotlib (1.3 s), which
# every process that loads these definitions (each Dagster run and step, `ai-telemetry run`) would pay.


@op(description="Each published team's summary of its latest week, written and (when configured) sent.")
def weekly_team_summaries(context: OpExecutionContext, telemetry: TelemetryHome) -> None:
    from orchestration.reports import make
    from orchestration.reports.delivery import config

    paths = telemetry.paths()
    send = config(paths).smtp is not None
    for report in make.weekly(paths, team=None, week=None, send_mail=send):
        sent = f"sent to {', '.join(report.sent_to)}" if report.sent_to else report.note or "written"
        context.log.info(f"team {report.subject}: {sent} {' '.join(str(f) for f in report.files)}")


class PeriodConfig(Config):
    period: str  # 2026-10 or 2026-Q4


@op(description="The executive summary PDF of a month or a quarter, from the org file.")
def executive_summary_pdf(context: OpExecutionContext, config: PeriodConfig, telemetry: TelemetryHome) -> None:
    from orchestration.reports import make
    from orchestration.reports.executive import report_period

    made = make.executive(telemetry.paths(), report_period(config.period))
    context.log.info(f"executive summary {made.subject}: {made.files[0]}")


@job(description="Weekly team summaries (e-mail) from the published team files.")
def weekly_team_reports() -> None:
    weekly_team_summaries()


@job(description="The executive summary PDF of a month or quarter (run config: period).")
def executive_summary() -> None:
    executive_summary_pdf()

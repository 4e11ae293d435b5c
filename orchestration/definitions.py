"""Dagster definitions for `dagster dev` and for `ai-telemetry run`."""

from __future__ import annotations

from dagster import AssetKey, AssetSpec, Definitions, default_loggers

from orchestration.defs.assets import dbt_models, gx_data_docs, published_files, raw_load
from orchestration.defs.checks import great_expectations_gate
from orchestration.defs.jobs import full_run, validate_and_publish
from orchestration.defs.progress import step_progress
from orchestration.defs.reports import executive_summary, weekly_team_reports
from orchestration.defs.resources import TelemetryHome, dbt
from orchestration.defs.schedules import (
    monthly_executive_summary,
    nightly_full_run,
    quarterly_executive_summary,
    weekly_team_reports_schedule,
)
from orchestration.defs.sensors import deliver_alerts, new_raw_files

# Written by the publish step, read by dbt as a source: declared here so it sits with the raw tables.
publish_log = AssetSpec(
    AssetKey(["raw", "publish_log"]),
    description="Every publish attempt: version, time, models' git commit, row counts, validation outcome.",
    group_name="raw",
)

defs = Definitions(
    assets=[raw_load, dbt_models, published_files, gx_data_docs, publish_log],
    asset_checks=[great_expectations_gate],
    jobs=[full_run, validate_and_publish, weekly_team_reports, executive_summary],
    schedules=[nightly_full_run, weekly_team_reports_schedule, monthly_executive_summary, quarterly_executive_summary],
    sensors=[new_raw_files, deliver_alerts],
    resources={"dbt": dbt, "telemetry": TelemetryHome()},
    # Dagster's console logger stays the default; `ai-telemetry run` configures step_progress in its place.
    loggers={**default_loggers(), "step_progress": step_progress},
)

"""Dagster definitions for `dagster dev` and for `ai-telemetry run`."""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs.assets import dbt_models, published_files, raw_load
from orchestration.defs.checks import great_expectations_gate
from orchestration.defs.jobs import full_run
from orchestration.defs.resources import TelemetryHome, dbt
from orchestration.defs.schedules import nightly_full_run
from orchestration.defs.sensors import new_raw_files

defs = Definitions(
    assets=[raw_load, dbt_models, published_files],
    asset_checks=[great_expectations_gate],
    jobs=[full_run],
    schedules=[nightly_full_run],
    sensors=[new_raw_files],
    resources={"dbt": dbt, "telemetry": TelemetryHome()},
)

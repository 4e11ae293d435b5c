"""The fresh path's Dagster code location (`make dev` loads it beside orchestration/definitions.py): its job
and sensor only, so its run workers import neither dbt nor dagster-dbt."""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs.fresh import fresh_developer_files, fresh_lines
from orchestration.defs.home import TelemetryHome

defs = Definitions(jobs=[fresh_developer_files], sensors=[fresh_lines], resources={"telemetry": TelemetryHome()})

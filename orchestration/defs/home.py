"""The data home as a Dagster resource (a module of its own: the fresh path's code location imports it
without dbt)."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from orchestration.paths import Paths


class TelemetryHome(ConfigurableResource):
    """$AI_TELEMETRY_HOME (landing folder, warehouse, published files); empty means the default."""

    home: str = ""

    def paths(self) -> Paths:
        return Paths(Path(self.home).resolve()) if self.home else Paths.from_env()

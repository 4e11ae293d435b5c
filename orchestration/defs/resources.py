"""Resources: where the data lives and how dbt is run."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource

from orchestration.defs.project import dbt_project
from orchestration.paths import Paths


class TelemetryHome(ConfigurableResource):
    """$AI_TELEMETRY_HOME (landing folder, warehouse, published files); empty means the default."""

    home: str = ""

    def paths(self) -> Paths:
        return Paths(Path(self.home).resolve()) if self.home else Paths.from_env()


# The dbt installed beside this Python (the project's virtual environment), whatever PATH says.
dbt = DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt")))

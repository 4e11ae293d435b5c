"""Resources: where the data lives and how dbt is run."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.defs.home import TelemetryHome
from orchestration.defs.project import dbt_project

__all__ = ["TelemetryHome", "dbt"]


# The dbt installed beside this Python (the project's virtual environment), whatever PATH says.
dbt = DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt")))

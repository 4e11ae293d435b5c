"""Resources: where the data lives and how dbt is run."""

from __future__ import annotations

import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource
from packaging.version import Version

from orchestration.dbt import file_log_level_flags
from orchestration.defs.home import TelemetryHome
from orchestration.defs.project import dbt_project

__all__ = ["ProjectDbtCliResource", "TelemetryHome", "dbt"]


class ProjectDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, less two things it does before each dbt command that this project never uses
    (on a 100-developer full run, 3.4-3.6 s of its dbt step before dbt started; 6.6 s with other work running):
    - the dbt version, which it asks the dbt executable for (`dbt --version`, a dbt start of its own): read here
      from the installed dbt-core, the package of the executable below;
    - a dbt adapter opened in Dagster's process (the profile, the project, dbt-duckdb's plugin), which only the
      invocation's `fetch_row_counts` and `fetch_column_metadata` use; neither is called here.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: object) -> None:
        return None


# The dbt installed beside this Python (the project's virtual environment), whatever PATH says. Its log file (in
# each run's target folder) at info, as outside Dagster: at dbt's default, debug, every statement and event of a
# build went to it as JSON (12 MB for a 100-developer full build).
dbt = ProjectDbtCliResource(
    project_dir=dbt_project,
    dbt_executable=str(Path(sys.executable).with_name("dbt")),
    global_config_flags=file_log_level_flags(),
)

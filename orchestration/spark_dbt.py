"""`python -m orchestration.spark_dbt <dbt args>`: dbt, with the project's Python models runnable on a Spark
session target.

dbt-spark 1.11 submits Python models only to Databricks clusters. With `method: session` dbt already runs its
SQL in a Spark session inside this process, so a Python model can run there too: this registers a `session`
submission method that executes the model's compiled code (the model, then dbt-spark's own code that writes its
table) against that session, and makes it the default on session targets.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from dbt.adapters.base.impl import PythonJobHelper
from dbt.adapters.spark.impl import SparkAdapter


class SessionPythonJobHelper(PythonJobHelper):
    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.path = parsed_model.get("original_file_path", parsed_model["name"])

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        namespace = {"__name__": "__dbt_model__", "spark": SparkSession.builder.getOrCreate()}
        # The code is the project's own model as dbt compiled it, run as dbt would on a cluster.
        exec(compile(compiled_code, self.path, "exec"), namespace)


_cluster_helpers = SparkAdapter.python_submission_helpers.fget
_cluster_default = SparkAdapter.default_python_submission_method.fget


def _helpers(adapter: SparkAdapter) -> dict[str, type[PythonJobHelper]]:
    return {**_cluster_helpers(adapter), "session": SessionPythonJobHelper}


def _default_method(adapter: SparkAdapter) -> str:
    return "session" if adapter.config.credentials.method == "session" else _cluster_default(adapter)


def main(argv: list[str]) -> int:
    # Spark's Python workers run this virtual environment's Python, not whatever `python3` is on the PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    SparkAdapter.python_submission_helpers = property(_helpers)
    SparkAdapter.default_python_submission_method = property(_default_method)
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(argv)
    return 0 if result.success else (2 if result.exception else 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

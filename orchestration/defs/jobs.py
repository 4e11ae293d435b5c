"""Jobs: the full run, and the gate + publish alone for candidate marts that are already built."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor

from orchestration.defs.checks import great_expectations_gate

# Both jobs run their steps one after another in the run worker's process, as `ai-telemetry run` does. Their
# steps form a chain, so a process per step ran nothing in parallel; each started Python, loaded these
# definitions (dbt's and Dagster's imports) and, for the gate and the Data Docs, Great Expectations. A 100-developer
# full run took 87.3 and 88.7 s that way and 62.4 and 63.5 s in one process (`dagster job execute`, alternating).
full_run = define_asset_job(
    "full_run",
    selection=AssetSelection.all(),
    description="Load the landing folder, dbt build, Great Expectations gate, publish per audience, Data Docs.",
    executor_def=in_process_executor,
)

# After a suite is fixed or a candidate is repaired by hand there is nothing to rebuild: validate what is
# built, and publish only if every suite passes.
validate_and_publish = define_asset_job(
    "validate_and_publish",
    selection=AssetSelection.checks(great_expectations_gate) | AssetSelection.groups("published", "quality"),
    description="Great Expectations gate on the candidate marts as built, then publish per audience and render "
    "the gate's Data Docs.",
    executor_def=in_process_executor,
)

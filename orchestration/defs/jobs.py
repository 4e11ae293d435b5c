"""Jobs: the full run, and the gate + publish alone for candidate marts that are already built."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from orchestration.defs.checks import great_expectations_gate

full_run = define_asset_job(
    "full_run",
    selection=AssetSelection.all(),
    description="Load the landing folder, dbt build, Great Expectations gate, publish per audience, Data Docs.",
)

# After a suite is fixed or a candidate is repaired by hand there is nothing to rebuild: validate what is
# built, and publish only if every suite passes.
validate_and_publish = define_asset_job(
    "validate_and_publish",
    selection=AssetSelection.checks(great_expectations_gate) | AssetSelection.groups("published", "quality"),
    description="Great Expectations gate on the candidate marts as built, then publish per audience and render "
    "the gate's Data Docs.",
)

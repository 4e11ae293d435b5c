"""The full run: load, build and test, validate, publish."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

full_run = define_asset_job(
    "full_run",
    selection=AssetSelection.all(),
    description="Load the landing folder, dbt build, Great Expectations gate, publish per audience.",
)

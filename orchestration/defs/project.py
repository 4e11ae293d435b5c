"""The dbt project as Dagster sees it, and how its nodes become asset keys and groups."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtProject

from orchestration.dbt import layers
from orchestration.paths import PROJECT_DIR

# `dagster dev` prepares the project with the `dbt` on PATH: make it the one beside this Python.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR / "profiles")


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    """True when the manifest is missing or older than a file dbt parses. Under `dagster dev` every run worker
    and step process loads these definitions; only the first to find the project changed prepares it (a
    `dbt parse` of 7 to 20 s), the others read the manifest it wrote."""
    manifest = Path(project.manifest_path)
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [
        PROJECT_DIR / "dbt_project.yml",
        *(p for d in ("models", "macros", "seeds") for p in (PROJECT_DIR / d).rglob("*")),
    ]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def prepare_manifest(project: DbtProject = dbt_project) -> None:
    """`dbt parse` into the project's target when the manifest is stale (`ai-telemetry run`, the test suite);
    raises when dbt cannot parse the project."""
    if manifest_is_stale(project):
        project.preparer.prepare(project)


if manifest_is_stale():
    dbt_project.prepare_if_dev()

# dbt's folders are the layers; their assets are grouped by them.
LAYERS = layers()


class LayerTranslator(DagsterDbtTranslator):
    """Sources are the raw-load assets (raw/<table>); models are <schema>/<name>, grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["alias"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        folders = dbt_resource_props.get("fqn", [])[1:-1]
        for layer in LAYERS:
            if layer in folders:
                return layer if layer != "marts" else f"marts_{folders[folders.index(layer) + 1]}"
        return "dbt"

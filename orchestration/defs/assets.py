"""Assets: the raw load per source, every dbt model, one published file per audience, and the gate's Data Docs."""

import json
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Failure, MaterializeResult, asset, multi_asset
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.build_state import build_guard, prepare_test_scope, record_tests_passed
from orchestration.dbt import keep_run_target, run_target
from orchestration.defs.project import LayerTranslator, dbt_project
from orchestration.defs.resources import TelemetryHome
from orchestration.fresh import remember_full_build
from orchestration.loader import RAW_TABLES, SOURCES
from orchestration.publish import AUDIENCES, MART_SCHEMA, record_outcome


def _raw_descriptions() -> dict[str, str]:
    """Each raw table's description, from the dbt sources YAML (the one place a raw table is described)."""
    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    return {node["name"]: node["description"] for node in manifest["sources"].values()}


RAW_DESCRIPTIONS = _raw_descriptions()


TABLE_SOURCES = {table: source.name for source in SOURCES for table in source.tables}


@multi_asset(
    specs=[AssetSpec(AssetKey(["raw", t]), description=RAW_DESCRIPTIONS.get(t), group_name="raw") for t in RAW_TABLES],
    can_subset=False,
)
def raw_load(context: AssetExecutionContext, telemetry: TelemetryHome):
    """Loads every source under the landing folder into raw.* (idempotent; only new lines load)."""
    from orchestration.loader import load

    paths = telemetry.paths()
    summary = load(paths.landing, paths.warehouse)
    context.log.info(summary.describe())
    for table in RAW_TABLES:
        # Source tables report their source's figures; the loader's bookkeeping tables the whole batch's.
        stats = summary.sources.get(TABLE_SOURCES.get(table, ""))
        yield MaterializeResult(
            asset_key=AssetKey(["raw", table]),
            metadata={
                "batch_id": summary.batch_id,
                "rows_loaded": stats.rows_loaded if stats else summary.rows_loaded,
                "rows_quarantined": stats.rows_quarantined if stats else summary.rows_quarantined,
                "files_seen": stats.files_seen if stats else sum(s.files_seen for s in summary.sources.values()),
            },
        )


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=LayerTranslator())
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, telemetry: TelemetryHome):
    """dbt build: every model, seed and test (tests become asset checks)."""
    from orchestration.defs.checks import gates_in_this_process

    paths = telemetry.paths()
    if gates_in_this_process(context.job_def, context.run.asset_check_selection):
        # The gate follows in this process: GX's import (3-4 s) is paid on the other core while dbt builds in
        # its own process, not before the gate's first query.
        from orchestration.quality import import_great_expectations_in_background

        import_great_expectations_in_background()
    with build_guard(paths.home) as extra:
        whole_build = not extra and not context.is_subset  # the only builds whose tests cover every model
        scope = prepare_test_scope(paths, whole_build)
        if extra:
            context.log.warning("the previous dbt build was killed part-way: incremental models rebuild from scratch")
        target = run_target(paths.home, context.run.run_id)
        invocation = dbt.cli(
            ["build", *extra, *scope.dbt_args()], context=context, raise_on_error=False, target_path=target
        )
        try:
            yield from invocation.stream()
        finally:
            keep_run_target(paths.home, target)
        if not invocation.is_successful():
            # Nothing is published after a failed build; the publish log says so, and why.
            results = invocation.get_artifact("run_results.json").get("results", [])
            failed = [f"dbt {r['unique_id']}: {r['status']}" for r in results if r["status"] in ("error", "fail")]
            failed = failed or ["dbt build failed: see the run's dbt logs"]
            record_outcome(paths.warehouse, f"held-{context.run.run_id[:8]}", "failed", failed, {})
            raise Failure(description="dbt build failed; nothing published", metadata={"failed": "\n".join(failed)})
    remember_full_build(paths)  # the fresh path may leave views and seeds alone while the project stays so
    if whole_build:
        record_tests_passed(paths, scope)


def mart_key(mart: str) -> AssetKey:
    return AssetKey([MART_SCHEMA, mart])


AUDIENCE_FILES = {
    "developer": "published/developers/<developer_id>.duckdb: one file per developer, their own rows only.",
    "team": "published/teams/<team>.duckdb: one file per team, its aggregates and its opted-in members.",
    "org": "published/org.duckdb: org and team roll-ups for managers, no developer-level row.",
    "platform": "published/platform.duckdb: pipeline health for the platform team, no user activity.",
    "product": "published/product.duckdb: anonymised aggregates for R&D and product.",
}


@multi_asset(
    specs=[
        AssetSpec(
            AssetKey(["published", audience]),
            deps=[mart_key(m) for marts in AUDIENCES.values() for m in marts],
            description=AUDIENCE_FILES[audience] + " Switched to a new version with every other file at once.",
            group_name="published",
        )
        for audience in AUDIENCES
    ],
    can_subset=False,
)
def published_files(context: AssetExecutionContext, telemetry: TelemetryHome):
    """Publishes every reader's file as one version, after every blocking check on every mart passed."""
    from orchestration.publish import log_counts, publish, record_outcome

    paths = telemetry.paths()
    result = publish(paths)
    record_outcome(paths.warehouse, result.version, "passed", [], log_counts(result.folder), commit=result.git_commit)
    for audience, files in result.files.items():
        yield MaterializeResult(
            asset_key=AssetKey(["published", audience]),
            metadata={
                "version": result.version,
                "folder": str(result.folder),
                "files": len(files),
                **{m: result.row_counts[m] for m in AUDIENCES[audience]},
            },
        )


@asset(
    key=AssetKey(["gx", "data_docs"]),
    deps=[AssetKey(["published", audience]) for audience in AUDIENCES],
    group_name="quality",
    description="gx/uncommitted/data_docs/local_site/index.html: the Great Expectations Data Docs of the newest "
    "gate, rendered after the publish so that the report does not hold it back. A failing gate renders them "
    "itself, since nothing is published then.",
)
def gx_data_docs(telemetry: TelemetryHome) -> MaterializeResult:
    from orchestration.quality import render_data_docs

    docs = render_data_docs(telemetry.paths())
    return MaterializeResult(metadata={"index": str(docs) if docs else "none (no gate has run)"})

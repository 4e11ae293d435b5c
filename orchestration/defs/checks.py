"""Great Expectations suites as blocking asset checks on the candidate marts."""

from collections.abc import Set

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    JobDefinition,
    in_process_executor,
    multi_asset_check,
)

from orchestration.defs.assets import mart_key
from orchestration.defs.resources import TelemetryHome
from orchestration.publish import AUDIENCES, record_outcome
from orchestration.quality import ALERT_ONLY, computed_suites

# Computed suites check a mart of their own: where a failure shows in the UI.
COMPUTED_ON = {
    "reconciliation_tokens": "developer_daily_v1",
    "plausibility": "developer_daily_v1",
    "freshness": "source_freshness_v1",
    "cost_distribution": "org_daily_v1",
}
MARTS = [m for marts in AUDIENCES.values() for m in marts]


@multi_asset_check(
    specs=[AssetCheckSpec("great_expectations", asset=mart_key(m), blocking=True) for m in MARTS]
    + [
        AssetCheckSpec(f"gx_{name}", asset=mart_key(COMPUTED_ON[name]), blocking=name not in ALERT_ONLY)
        for name in computed_suites()
    ],
    can_subset=False,
)
def great_expectations_gate(context: AssetCheckExecutionContext, telemetry: TelemetryHome):
    """Runs every suite in expectations/ (and the computed ones) on the candidate marts."""
    from orchestration.quality import render_data_docs, run_gate

    paths = telemetry.paths()
    # The Data Docs are rendered after the publish (gx_data_docs), unless nothing will be published.
    result = run_gate(paths, data_docs=False)
    if not result.passed:
        result.data_docs = render_data_docs(paths)
    context.log.info(f"{result.suites_run} suites, {result.expectations_run} expectations; docs: {result.data_docs}")
    by_suite: dict[str, list[str]] = {}
    for failure in result.failures:
        context.log.error(failure.describe())
        by_suite.setdefault(failure.suite, []).append(failure.describe())
    for warning in result.warnings:  # an alert: reported on its check, and the publish goes ahead
        context.log.warning(warning.describe())
        by_suite.setdefault(warning.suite, []).append(warning.describe())
    if result.failures:
        # The publish log records the version held back, and why.
        record_outcome(
            paths.warehouse, f"held-{context.run.run_id[:8]}", "failed", [f.describe() for f in result.failures], {}
        )
    for mart in MARTS:
        failed = by_suite.get(mart, [])
        yield AssetCheckResult(
            asset_key=mart_key(mart),
            check_name="great_expectations",
            passed=not failed,
            severity=AssetCheckSeverity.ERROR,
            metadata={"failures": "\n".join(failed) or "none"},
        )
    for name, mart in COMPUTED_ON.items():
        failed = by_suite.get(name, [])
        yield AssetCheckResult(
            asset_key=mart_key(mart),
            check_name=f"gx_{name}",
            passed=not failed,
            severity=AssetCheckSeverity.WARN if name in ALERT_ONLY else AssetCheckSeverity.ERROR,
            metadata={"failures": "\n".join(failed) or "none"},
        )


def gates_in_this_process(job: JobDefinition, checks: Set[AssetCheckKey] | None) -> bool:
    """Whether a run of `job` selecting `checks` (None: the job's own) runs the gate in the process that runs its
    other steps: an in-process job (full_run, `ai-telemetry run`) with any of the gate's checks selected (they run
    together). A process per step (the UI's own materialisations) would import GX where it never gates."""
    gating = checks is None or not great_expectations_gate.check_keys.isdisjoint(checks)
    return gating and job.executor_def is in_process_executor

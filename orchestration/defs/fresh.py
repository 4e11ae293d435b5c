"""The fresh path as a Dagster job: new lines load, the developer marts rebuild and pass their gate, and only
the developers whose rows changed get a new published file (orchestration/fresh.py)."""

from dagster import Failure, OpExecutionContext, job, op

from orchestration.defs.resources import TelemetryHome
from orchestration.fresh import FreshError, refresh_developer_files


@op(description="Load new lines, build and gate the developer marts, publish the developers whose rows changed.")
def refresh_developers(context: OpExecutionContext, telemetry: TelemetryHome) -> None:
    try:
        result = refresh_developer_files(telemetry.paths())
    except FreshError as error:
        raise Failure(description=str(error)) from error
    context.log.info(result.describe())


@job(description="The fresh path: a new transcript line in its developer's published file within seconds.")
def fresh_developer_files() -> None:
    refresh_developers()

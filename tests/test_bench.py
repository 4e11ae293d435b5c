"""The bench's breakdown of a dbt build, read from the run_results.json of the suite's real build."""

import json

import pytest

from orchestration.bench import dbt_node_times
from orchestration.paths import Paths

pytestmark = pytest.mark.slow  # it reads the suite's built organisation


def test_a_builds_node_times_add_up_per_kind_and_name_its_slowest_nodes(validated: Paths) -> None:
    run_results = validated.home / "dbt_target" / "run_results.json"
    results = json.loads(run_results.read_text())["results"]
    figures, slowest = dbt_node_times(run_results, slowest=3)
    assert figures["models"] >= 80 and figures["tests"] >= 200 and figures["seeds"] >= 5
    assert figures["models"] + figures["tests"] + figures["seeds"] + figures["unit_tests"] == len(results)
    by_kind = {kind: 0.0 for kind in ("model", "test", "seed", "unit_test")}
    for node in results:
        by_kind[node["unique_id"].split(".")[0]] += node["execution_time"]
    for kind, seconds in by_kind.items():
        assert abs(figures[f"{kind}_node_s"] - seconds) < 1e-9, kind
    assert abs(figures["node_s"] - sum(by_kind.values())) < 1e-9
    # Two threads: dbt's elapsed time is at least half the node time it ran.
    assert figures["dbt_elapsed_s"] >= figures["node_s"] / 2 > 0
    assert len(slowest) == 3 and [s for _, s in slowest] == sorted((s for _, s in slowest), reverse=True)
    assert slowest[0][1] == max(node["execution_time"] for node in results)

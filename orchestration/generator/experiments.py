"""Experiments the generator can plant: the two of `seeds/experiments.csv`, run over the sample's last
`WINDOW_DAYS` days, with a known truth, so tests can prove the readout finds a real effect and not a null one.

- prompt_caching_guide (real effect): developers in `caching_guide` use `CACHING_FACTOR` times the tokens in
  every Claude Code response, so their cost per session is that factor times what it would have been: the
  planted relative lift is CACHING_FACTOR - 1.
- onboarding_checklist (no effect): developers are assigned, and nothing about their sessions changes.

A sample shorter than `WINDOW_DAYS` runs them over all its days.

Units are the developers who use Claude Code and hold a used seat, each assigned to either variant of each
experiment independently (a fair coin per developer and experiment, from the seed), on the window's first
day. The assignments are written as the experimentation tool would export them: experiments/assignments.csv.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from orchestration.generator.incidents import Conditions
from orchestration.generator.org import Developer, stable_seed

WINDOW_DAYS = 28
CACHING_FACTOR = 0.6
PLANTED = {
    # experiment: (control, treatment, planted relative lift of its primary metric)
    "prompt_caching_guide": ("control", "caching_guide", CACHING_FACTOR - 1),
    "onboarding_checklist": ("control", "checklist", 0.0),
}
ASSIGNMENT_COLUMNS = ["experiment_id", "unit_type", "unit_id", "variant", "assigned_at"]


@dataclass(frozen=True)
class ExperimentPlan:
    start: date  # the window's first day
    variants: dict[tuple[str, str], str]  # (experiment, developer id) -> variant

    @classmethod
    def for_sample(cls, start: date, days: int, developers: list[Developer], seed: int) -> ExperimentPlan:
        variants = {}
        for experiment, (control, treatment, _) in PLANTED.items():
            for dev in developers:
                if dev.uses_claude_code and not dev.seat_unused:
                    coin = random.Random(stable_seed(seed, "experiment", experiment, dev.index)).random()
                    variants[(experiment, dev.developer_id)] = treatment if coin < 0.5 else control
        # The last WINDOW_DAYS days, or the whole sample when it is shorter.
        return cls(start=start + timedelta(days=max(0, days - WINDOW_DAYS)), variants=variants)

    def conditions(self, dev: Developer, day: date, today: Conditions) -> Conditions:
        """Today's conditions with the developer's treatments applied."""
        if day >= self.start and self.variants.get(("prompt_caching_guide", dev.developer_id)) == "caching_guide":
            return replace(today, token_multiplier=today.token_multiplier * CACHING_FACTOR)
        return today

    def write_assignments(self, developers: list[Developer], path: Path) -> int:
        """The assignment export; returns its lines (header included)."""
        emails = {dev.developer_id: dev.primary_email for dev in developers}
        assigned_at = datetime.combine(self.start, datetime.min.time(), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ASSIGNMENT_COLUMNS)
            for (experiment, developer_id), variant in sorted(self.variants.items()):
                writer.writerow([experiment, "developer", emails[developer_id], variant, assigned_at])
        return len(self.variants) + 1


def build_planted_experiments(home: Path, developers: int, days: int, seed: int, end: date) -> None:
    """A generated organisation running the planted experiments, loaded, and its experiment marts built (with
    what they are built from, without data tests), under `home`."""
    from orchestration.dbt import run_dbt
    from orchestration.generator import GenerateConfig, generate
    from orchestration.loader import load

    start = end - timedelta(days=days - 1)
    generate(GenerateConfig(out=home / "landing", developers=developers, days=days, seed=seed, start=start,
                            plant_experiments=True))  # fmt: skip
    load(home / "landing", home / "warehouse.duckdb", measure_storage=False)
    selected = ("+experiment_results_v1", "+org_experiment_results_v1", "+rollout_effects_v1")
    build = run_dbt("build", "--select", *selected, "--exclude", "test_type:data", home=home, capture=True)
    if build.returncode != 0:
        raise RuntimeError(f"dbt could not build the experiment marts:\n{build.stdout[-3000:]}")

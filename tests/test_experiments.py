"""Experiments: the readout's statistics against statsmodels, and the planted experiments found (or not)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import query
from scipy import stats
from statsmodels.stats.power import TTestIndPower
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from orchestration.experiments import (
    _two_sided_power,
    compare,
    difference_in_differences,
    sample_ratio_p_value,
    welch_test,
)
from orchestration.generator.experiments import PLANTED, build_planted_experiments

SEED = 7  # benchmarks/experiments_benchmark.py checks seeds the tests do not use


@pytest.mark.parametrize("shift", [0.0, 0.3])
def test_the_welch_readout_equals_statsmodels(shift: float) -> None:
    rng = np.random.default_rng(11)
    control = rng.lognormal(0, 0.5, size=23)
    treatment = rng.lognormal(shift, 0.8, size=31)
    result = compare(control, treatment, alpha=0.05, minimum_detectable_effect=0.2, power=0.8)
    assert result is not None
    means = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
    _, p, dof = means.ttest_ind(usevar="unequal")
    low, high = means.tconfint_diff(alpha=0.05, usevar="unequal")
    assert result.p_value == pytest.approx(p, rel=1e-9)
    assert result.degrees_of_freedom == pytest.approx(dof, rel=1e-9)
    assert (result.ci_low, result.ci_high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))
    assert result.absolute_lift == pytest.approx(treatment.mean() - control.mean())
    assert result.relative_ci_low < result.relative_lift < result.relative_ci_high
    # Sample size: statsmodels' pooled-variance t power agrees within a unit or two of Welch's.
    effect = 0.2 * control.mean()
    pooled = np.sqrt((control.var(ddof=1) + treatment.var(ddof=1)) / 2)
    expected = TTestIndPower().solve_power(effect_size=effect / pooled, alpha=0.05, power=0.8, ratio=1.0)
    assert abs(result.required_units_per_variant - expected) <= 0.03 * expected + 2
    # The power reached with these sizes, by statsmodels' (pooled) formula on the same effect.
    reached = TTestIndPower().power(effect_size=effect / pooled, nobs1=23, ratio=31 / 23, alpha=0.05)
    assert result.achieved_power == pytest.approx(reached, abs=0.03)


def test_a_broken_split_is_flagged_and_a_fair_one_is_not() -> None:
    assert sample_ratio_p_value(500, 500, 0.5) == pytest.approx(1.0)
    assert sample_ratio_p_value(430, 570, 0.5) < 0.001
    assert sample_ratio_p_value(24, 26, 0.5) > 0.5


def test_difference_in_differences_estimate_and_placebo() -> None:
    rng = np.random.default_rng(3)
    treated_earlier = rng.normal(0.6, 0.05, 8)
    comparison_earlier = rng.normal(0.5, 0.05, 9)
    treated_before = treated_earlier + rng.normal(0.0, 0.02, 8)
    comparison_before = comparison_earlier + rng.normal(0.0, 0.02, 9)
    treated_after = treated_before + 0.1 + rng.normal(0, 0.02, 8)  # the rollout adds 0.1
    comparison_after = comparison_before + rng.normal(0, 0.02, 9)
    result = difference_in_differences(
        treated_before,
        treated_after,
        comparison_before,
        comparison_after,
        alpha=0.05,
        treated_earlier=treated_earlier,
        comparison_earlier=comparison_earlier,
    )
    assert result is not None
    changes = CompareMeans(
        DescrStatsW(treated_after - treated_before), DescrStatsW(comparison_after - comparison_before)
    )
    assert result.p_value == pytest.approx(changes.ttest_ind(usevar="unequal")[1], rel=1e-9)
    assert result.ci_low < 0.1 < result.ci_high and result.p_value < 0.001
    assert result.pre_trend_p_value > 0.05, "the groups were on parallel trends before"


def samples(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs of unit values as the readouts meet them: skewed, tiny, rounded, and constant on either side."""
    pairs = []
    for i in range(60):
        first = rng.lognormal(0, rng.uniform(0.05, 1), rng.integers(2, 40))
        second = rng.lognormal(rng.uniform(-0.5, 0.5), rng.uniform(0.05, 1), rng.integers(2, 40))
        if i % 5 == 0:
            first = np.round(first)
        if i % 6 == 0:
            second = np.full(len(second), 1.5)
        if i % 12 == 0:
            first = np.full(len(first), 1.5 if i % 24 else 2.0)
        pairs.append((first, second))
    return pairs


def test_the_statistics_equal_scipy_stats() -> None:
    """The readout computes with scipy.special (scipy.stats costs a second of import per build): every figure
    is held to scipy.stats' own, constant samples (0/0 and x/0 statistics) included."""
    for first, second in samples(np.random.default_rng(19)):
        ours = welch_test(first, second)
        theirs = stats.ttest_ind(first, second, equal_var=False)
        interval = theirs.confidence_interval(confidence_level=0.9)
        assert ours.dof == pytest.approx(float(theirs.df), rel=1e-12)
        assert ours.p_value == pytest.approx(float(theirs.pvalue), rel=1e-12, abs=1e-300, nan_ok=True)
        assert ours.interval(0.1) == (pytest.approx(interval.low, rel=1e-12), pytest.approx(interval.high, rel=1e-12))
        se, dof = max(ours.standard_error, 0.01), ours.dof
        critical = stats.t.ppf(0.975, dof)
        power = stats.nct.sf(critical, dof, 0.3 / se) + stats.nct.cdf(-critical, dof, 0.3 / se)
        if np.isfinite(power):  # scipy.stats' noncentral t gives nan far in its tail; ours does not
            assert _two_sided_power(0.3, se, dof, 0.05) == pytest.approx(power, rel=1e-9, abs=1e-12)
    for control, treatment in [(500, 500), (430, 570), (24, 26), (0, 7), (3, 0)]:
        expected = np.array([control + treatment] * 2) * [0.7, 0.3]
        reference = stats.chisquare([control, treatment], f_exp=expected).pvalue
        assert sample_ratio_p_value(control, treatment, 0.3) == pytest.approx(reference, rel=1e-12)


@pytest.mark.slow
def test_the_planted_effect_is_found_and_the_null_is_not(tmp_path: Path) -> None:
    home = tmp_path / "home"
    build_planted_experiments(home, developers=60, days=42, seed=SEED, end=date(2026, 10, 12))
    rows = {
        (experiment, metric): row
        for experiment, metric, *row in query(
            home / "warehouse.duckdb",
            """select experiment_id, metric, relative_lift, relative_ci_low, relative_ci_high, p_value,
                is_significant, sample_ratio_mismatch, units_measured, test_name
            from marts.experiment_results_v1
            where segment_type = 'overall' and not is_control""",
        )
    }
    planted = PLANTED["prompt_caching_guide"][2]
    lift, low, high, p, significant, mismatch, units, test = rows[("prompt_caching_guide", "cost_per_session_usd")]
    assert significant and p < 0.001 and lift < 0 and test == "welch_t"
    assert low <= planted <= high, f"the interval [{low:.3f}, {high:.3f}] misses the planted {planted}"
    assert not mismatch and units >= 20
    lift, low, high, p, significant, mismatch, *_ = rows[("onboarding_checklist", "session_success_rate")]
    assert not significant and low <= 0 <= high and not mismatch
    # The guardrail of the real experiment did not move: its tokens changed, not its outcomes.
    assert not rows[("prompt_caching_guide", "session_success_rate")][4]
    # Published rows: every variant of every segment shown has at least 3 units assigned and measured.
    smallest = query(
        home / "warehouse.duckdb",
        "select min(least(units_assigned, units_measured)), count(*) from marts.org_experiment_results_v1",
    )[0]
    assert smallest[0] >= 3 and smallest[1] > 0
    # Client versions reach developers in waves here: each gets its difference in differences, both groups of
    # at least 3 developers, and no version has an effect planted.
    rollouts = query(
        home / "warehouse.duckdb",
        """select rollout, treated_units, comparison_units, ci_low, ci_high, assumptions
        from marts.rollout_effects_v1 where metric = 'cost_per_session_usd'""",
    )
    assert rollouts
    for rollout, treated, comparison, low, high, assumptions in rollouts:
        assert treated >= 3 and comparison >= 3, rollout
        assert low < high and "parallel trends" in assumptions

"""The statistics of an experiment's readout, on one value per randomised unit (scipy's distributions).

An experiment randomises units (developers or teams), so each unit contributes one value of the metric
(its sessions' ratio over the experiment's window) and the test compares those values between variants:
Welch's t-test (unequal variances), which stays valid for rates and ratios measured per unit because the
units, not the sessions, are independent. The relative lift's interval is the delta method's; the power
is the chance this sample had to detect the minimum detectable effect (MDE) with the variances observed,
not the power to detect the effect that was found (which says nothing new).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

WELCH = "welch_t"
SRM_ALPHA = 0.001  # a sample-ratio mismatch this unlikely by chance means the assignment is broken


@dataclass(frozen=True)
class Comparison:
    """A treatment against its control on one metric."""

    control_units: int
    treatment_units: int
    control_mean: float
    treatment_mean: float
    control_std: float
    treatment_std: float
    absolute_lift: float
    relative_lift: float | None
    ci_low: float
    ci_high: float
    relative_ci_low: float | None
    relative_ci_high: float | None
    degrees_of_freedom: float
    p_value: float
    test: str
    achieved_power: float | None
    required_units_per_variant: int | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _two_sided_power(effect: float, standard_error: float, dof: float, alpha: float) -> float:
    """P(|T| > t_crit) when T follows a noncentral t with noncentrality effect / standard_error."""
    critical = stats.t.ppf(1 - alpha / 2, dof)
    noncentrality = effect / standard_error
    return float(stats.nct.sf(critical, dof, noncentrality) + stats.nct.cdf(-critical, dof, noncentrality))


def required_units(effect: float, control_std: float, treatment_std: float, alpha: float, power: float) -> int | None:
    """Units per variant (equal allocation) a Welch test needs to detect `effect` with `power`."""
    if effect == 0 or not math.isfinite(effect) or control_std + treatment_std == 0:
        return None
    variance = control_std**2 + treatment_std**2
    # Start from the normal approximation, then step up until the t distribution agrees.
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    n = max(2, math.ceil(z**2 * variance / effect**2))
    while n < 10_000_000:
        se = math.sqrt(variance / n)
        dof = welch_dof(control_std, n, treatment_std, n)
        if _two_sided_power(abs(effect), se, dof, alpha) >= power:
            return n
        n += max(1, n // 50)
    return None


def welch_dof(control_std: float, control_n: int, treatment_std: float, treatment_n: int) -> float:
    a = control_std**2 / control_n
    b = treatment_std**2 / treatment_n
    if a + b == 0:
        return float(control_n + treatment_n - 2)
    return (a + b) ** 2 / (a**2 / (control_n - 1) + b**2 / (treatment_n - 1))


def compare(
    control: np.ndarray, treatment: np.ndarray, *, alpha: float, minimum_detectable_effect: float, power: float
) -> Comparison | None:
    """Welch's t-test of treatment against control; None when either side has fewer than 2 units."""
    control = np.asarray(control, dtype=float)
    treatment = np.asarray(treatment, dtype=float)
    if len(control) < 2 or len(treatment) < 2:
        return None
    result = stats.ttest_ind(treatment, control, equal_var=False)
    interval = result.confidence_interval(confidence_level=1 - alpha)
    mean_c, mean_t = float(control.mean()), float(treatment.mean())
    std_c, std_t = float(control.std(ddof=1)), float(treatment.std(ddof=1))
    se_c2, se_t2 = std_c**2 / len(control), std_t**2 / len(treatment)
    dof = float(result.df)
    relative = rel_low = rel_high = None
    if mean_c != 0:
        relative = mean_t / mean_c - 1
        # Delta method for mean_t / mean_c (the two means are independent).
        rel_se = math.sqrt(se_t2 / mean_c**2 + mean_t**2 * se_c2 / mean_c**4)
        critical = float(stats.t.ppf(1 - alpha / 2, dof))
        rel_low, rel_high = relative - critical * rel_se, relative + critical * rel_se
    effect = minimum_detectable_effect * abs(mean_c)
    se = math.sqrt(se_c2 + se_t2)
    achieved = _two_sided_power(effect, se, dof, alpha) if se > 0 and effect > 0 else None
    return Comparison(
        control_units=len(control),
        treatment_units=len(treatment),
        control_mean=mean_c,
        treatment_mean=mean_t,
        control_std=std_c,
        treatment_std=std_t,
        absolute_lift=mean_t - mean_c,
        relative_lift=relative,
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        relative_ci_low=rel_low,
        relative_ci_high=rel_high,
        degrees_of_freedom=dof,
        p_value=float(result.pvalue) if math.isfinite(result.pvalue) else 1.0,
        test=WELCH,
        achieved_power=achieved,
        required_units_per_variant=required_units(effect, std_c, std_t, alpha, power),
    )


def sample_ratio_p_value(control_units: int, treatment_units: int, treatment_share: float) -> float:
    """Chi-square goodness of fit of the assigned counts to the planned split."""
    total = control_units + treatment_units
    if total == 0:
        return 1.0
    expected = [total * (1 - treatment_share), total * treatment_share]
    return float(stats.chisquare([control_units, treatment_units], f_exp=expected).pvalue)


@dataclass(frozen=True)
class DifferenceInDifferences:
    """(after - before) of the treated units against the same of the comparison units."""

    treated_units: int
    comparison_units: int
    treated_change: float
    comparison_change: float
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    pre_trend_difference: float | None
    pre_trend_p_value: float | None


def difference_in_differences(
    treated_before: np.ndarray,
    treated_after: np.ndarray,
    comparison_before: np.ndarray,
    comparison_after: np.ndarray,
    *,
    alpha: float,
    treated_earlier: np.ndarray | None = None,
    comparison_earlier: np.ndarray | None = None,
) -> DifferenceInDifferences | None:
    """Each unit's change compared between groups (Welch), the unit being what adopted, e.g. a team.

    With `*_earlier` (the period before `before`), the same comparison one period earlier is a placebo:
    a difference there means the groups were not on parallel trends, and the estimate is not causal."""
    treated = np.asarray(treated_after, dtype=float) - np.asarray(treated_before, dtype=float)
    comparison = np.asarray(comparison_after, dtype=float) - np.asarray(comparison_before, dtype=float)
    if len(treated) < 2 or len(comparison) < 2:
        return None
    result = stats.ttest_ind(treated, comparison, equal_var=False)
    interval = result.confidence_interval(confidence_level=1 - alpha)
    pre_difference = pre_p = None
    if treated_earlier is not None and comparison_earlier is not None:
        treated_pre = np.asarray(treated_before, dtype=float) - np.asarray(treated_earlier, dtype=float)
        comparison_pre = np.asarray(comparison_before, dtype=float) - np.asarray(comparison_earlier, dtype=float)
        placebo = stats.ttest_ind(treated_pre, comparison_pre, equal_var=False)
        pre_difference = float(treated_pre.mean() - comparison_pre.mean())
        pre_p = float(placebo.pvalue) if math.isfinite(placebo.pvalue) else 1.0
    return DifferenceInDifferences(
        treated_units=len(treated),
        comparison_units=len(comparison),
        treated_change=float(treated.mean()),
        comparison_change=float(comparison.mean()),
        estimate=float(treated.mean() - comparison.mean()),
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        p_value=float(result.pvalue) if math.isfinite(result.pvalue) else 1.0,
        pre_trend_difference=pre_difference,
        pre_trend_p_value=pre_p,
    )

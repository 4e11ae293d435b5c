"""The statistics of an experiment's readout, on one value per randomised unit (scipy's distributions).

An experiment randomises units (developers or teams), so each unit contributes one value of the metric
(its sessions' ratio over the experiment's window) and the test compares those values between variants:
Welch's t-test (unequal variances), which stays valid for rates and ratios measured per unit because the
units, not the sessions, are independent. The relative lift's interval is the delta method's; the power
is the chance this sample had to detect the minimum detectable effect (MDE) with the variances observed,
not the power to detect the effect that was found (which says nothing new).

The distributions are scipy.special's functions (what scipy.stats calls underneath): importing scipy.stats
took 0.9 s of every dbt build that runs the experiment models, scipy.special 0.15 s. The tests
(tests/test_experiments.py) hold these to scipy.stats on the same samples.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import special

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


def t_critical(dof: float, alpha: float) -> float:
    """Student's t value a two-sided test at `alpha` must exceed (the interval's half-width in standard errors)."""
    return float(special.stdtrit(dof, 1 - alpha / 2))


def _two_sided_power(effect: float, standard_error: float, dof: float, alpha: float) -> float:
    """P(|T| > t_crit) when T follows a noncentral t with noncentrality effect / standard_error."""
    critical = t_critical(dof, alpha)
    noncentrality = effect / standard_error
    return float(1 - special.nctdtr(dof, noncentrality, critical) + special.nctdtr(dof, noncentrality, -critical))


def required_units(effect: float, control_std: float, treatment_std: float, alpha: float, power: float) -> int | None:
    """Units per variant (equal allocation) a Welch test needs to detect `effect` with `power`."""
    if effect == 0 or not math.isfinite(effect) or control_std + treatment_std == 0:
        return None
    variance = control_std**2 + treatment_std**2
    # Start from the normal approximation, then step up until the t distribution agrees.
    z = special.ndtri(1 - alpha / 2) + special.ndtri(power)
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


@dataclass(frozen=True)
class WelchTest:
    """Welch's two-sided t-test of `first` against `second`, as scipy.stats.ttest_ind(equal_var=False)."""

    difference: float
    standard_error: float
    dof: float
    p_value: float  # nan when both samples are constant and equal (t is 0/0)

    @property
    def reported_p_value(self) -> float:
        """The p-value, 1.0 where it is undefined: no difference and no variance says nothing against the null."""
        return self.p_value if math.isfinite(self.p_value) else 1.0

    def interval(self, alpha: float) -> tuple[float, float]:
        critical = t_critical(self.dof, alpha)
        return self.difference - critical * self.standard_error, self.difference + critical * self.standard_error


def welch_test(first: np.ndarray, second: np.ndarray) -> WelchTest:
    first_std, second_std = float(first.std(ddof=1)), float(second.std(ddof=1))
    variance = first_std**2 / len(first) + second_std**2 / len(second)
    difference = float(first.mean() - second.mean())
    # scipy's convention: with both variances zero the degrees of freedom do not matter, and are 1.
    dof = welch_dof(first_std, len(first), second_std, len(second)) if variance > 0 else 1.0
    standard_error = math.sqrt(variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.float64(difference) / np.float64(standard_error)
    return WelchTest(difference, standard_error, float(dof), float(2 * special.stdtr(dof, -abs(statistic))))


def compare(
    control: np.ndarray, treatment: np.ndarray, *, alpha: float, minimum_detectable_effect: float, power: float
) -> Comparison | None:
    """Welch's t-test of treatment against control; None when either side has fewer than 2 units."""
    control = np.asarray(control, dtype=float)
    treatment = np.asarray(treatment, dtype=float)
    if len(control) < 2 or len(treatment) < 2:
        return None
    result = welch_test(treatment, control)
    ci_low, ci_high = result.interval(alpha)
    mean_c, mean_t = float(control.mean()), float(treatment.mean())
    std_c, std_t = float(control.std(ddof=1)), float(treatment.std(ddof=1))
    se_c2, se_t2 = std_c**2 / len(control), std_t**2 / len(treatment)
    dof = result.dof
    relative = rel_low = rel_high = None
    if mean_c != 0:
        relative = mean_t / mean_c - 1
        # Delta method for mean_t / mean_c (the two means are independent).
        rel_se = math.sqrt(se_t2 / mean_c**2 + mean_t**2 * se_c2 / mean_c**4)
        critical = t_critical(dof, alpha)
        rel_low, rel_high = relative - critical * rel_se, relative + critical * rel_se
    effect = minimum_detectable_effect * abs(mean_c)
    se = result.standard_error
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
        ci_low=ci_low,
        ci_high=ci_high,
        relative_ci_low=rel_low,
        relative_ci_high=rel_high,
        degrees_of_freedom=dof,
        p_value=result.reported_p_value,
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
    counts = (control_units, treatment_units)
    statistic = sum((seen - planned) ** 2 / planned for seen, planned in zip(counts, expected, strict=True))
    return float(special.chdtrc(1, statistic))  # two categories: one degree of freedom


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
    result = welch_test(treated, comparison)
    ci_low, ci_high = result.interval(alpha)
    pre_difference = pre_p = None
    if treated_earlier is not None and comparison_earlier is not None:
        treated_pre = np.asarray(treated_before, dtype=float) - np.asarray(treated_earlier, dtype=float)
        comparison_pre = np.asarray(comparison_before, dtype=float) - np.asarray(comparison_earlier, dtype=float)
        placebo = welch_test(treated_pre, comparison_pre)
        pre_difference = placebo.difference
        pre_p = placebo.reported_p_value
    return DifferenceInDifferences(
        treated_units=len(treated),
        comparison_units=len(comparison),
        treated_change=float(treated.mean()),
        comparison_change=float(comparison.mean()),
        estimate=float(treated.mean() - comparison.mean()),
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=result.reported_p_value,
        pre_trend_difference=pre_difference,
        pre_trend_p_value=pre_p,
    )

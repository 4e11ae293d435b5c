"""Difference in differences for client versions that reached developers at different times (seed 002's causal
method when randomisation is impossible).

For each Claude Code client version, the first week in which at least min_group_size developers moved to it
(or newer) is its wave. Treated: those developers. Comparison: developers active around the wave who had not
moved yet by the week after it (not yet treated). Each developer's change in the metric from the week before
the wave to the week after is compared between the groups (Welch's t, orchestration/experiments.py); the
same comparison one week earlier is a placebo for parallel trends.

Assumptions, stated in every row: parallel trends (what the placebo tests), no anticipation (nobody changed
before their client did), no spill-over (a developer's client does not change another's metric), and a client
version that came with nothing else that changed at the same time for the treated developers only."""

from __future__ import annotations

import pandas as pd

from orchestration.experiments import difference_in_differences
from orchestration.model_io import to_engine, to_pandas

ALPHA = 0.05
ASSUMPTIONS = (
    "parallel trends (placebo on the week before), no anticipation, no spill-over between developers, "
    "nothing else changed for the treated developers at the same time"
)
METRICS = {
    "session_success_rate": ("sessions_succeeded", "sessions"),
    "cost_per_session_usd": ("cost_usd", "sessions"),
}
COLUMNS = [
    "rollout",
    "metric",
    "wave_week",
    "treated_units",
    "comparison_units",
    "treated_change",
    "comparison_change",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "is_significant",
    "pre_trend_difference",
    "pre_trend_p_value",
    "parallel_trends_plausible",
    "method",
    "assumptions",
]


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def rollouts(weeks: pd.DataFrame, min_group_size: int) -> list[dict]:
    # Versions compared by their rank among the distinct version keys: integers, compared per column, not by
    # a Python call per developer-week and version.
    rank = {key: i for i, key in enumerate(sorted({version_key(v) for v in weeks["client_version"].unique()}))}
    weeks = weeks.assign(key=weeks["client_version"].map(lambda v: rank[version_key(v)]))
    per_week = weeks.groupby(["developer_id", "week_start"]).agg(
        newest=("key", "max"), **{c: (c, "sum") for c in ("sessions", "sessions_succeeded", "cost_usd")}
    )
    per_week = per_week.reset_index()
    # Each metric per developer (rows) and week (columns), the same for every version.
    metric_values = {
        metric: per_week.assign(value=per_week[numerator] / per_week[denominator]).pivot_table(
            index="developer_id", columns="week_start", values="value"
        )
        for metric, (numerator, denominator) in METRICS.items()
    }
    rows = []
    for version in sorted(weeks["client_version"].unique(), key=version_key):
        moved = per_week[per_week["newest"] >= rank[version_key(version)]]
        first = moved.groupby("developer_id")["week_start"].min()
        waves = first.value_counts().sort_index()
        waves = waves[waves >= min_group_size]
        if waves.empty or waves.index[0] == per_week["week_start"].min():
            continue  # nobody moved in numbers, or no week before the wave to compare with
        wave = waves.index[0]
        week = pd.Timedelta(days=7)
        before, after, earlier = wave - week, wave + week, wave - 2 * week
        treated = set(first[first == wave].index)
        comparison = {d for d in per_week["developer_id"].unique() if d not in first or first[d] > after}
        for metric, values in metric_values.items():
            needed = [w for w in (earlier, before, after) if w in values.columns]
            if before not in values.columns or after not in values.columns:
                continue
            complete = values[needed].dropna()
            t = complete[complete.index.isin(treated)]
            c = complete[complete.index.isin(comparison)]
            if len(t) < min_group_size or len(c) < min_group_size:
                continue
            has_earlier = earlier in complete.columns
            result = difference_in_differences(
                t[before].to_numpy(),
                t[after].to_numpy(),
                c[before].to_numpy(),
                c[after].to_numpy(),
                alpha=ALPHA,
                treated_earlier=t[earlier].to_numpy() if has_earlier else None,
                comparison_earlier=c[earlier].to_numpy() if has_earlier else None,
            )
            if result is None:
                continue
            rows.append(
                {
                    "rollout": f"claude_code {version}",
                    "metric": metric,
                    "wave_week": wave,
                    "treated_units": result.treated_units,
                    "comparison_units": result.comparison_units,
                    "treated_change": result.treated_change,
                    "comparison_change": result.comparison_change,
                    "estimate": result.estimate,
                    "ci_low": result.ci_low,
                    "ci_high": result.ci_high,
                    "p_value": result.p_value,
                    "is_significant": result.p_value < ALPHA,
                    "pre_trend_difference": result.pre_trend_difference,
                    "pre_trend_p_value": result.pre_trend_p_value,
                    "parallel_trends_plausible": None
                    if result.pre_trend_p_value is None
                    else result.pre_trend_p_value >= 0.1,
                    "method": "difference in differences: week before vs week after the wave, Welch's t per developer",
                    "assumptions": ASSUMPTIONS,
                }
            )
    return rows


def model(dbt, session):
    dbt.config(materialized="table")
    min_group_size = int(dbt.config.get("min_group_size"))
    weeks = to_pandas(dbt.ref("int_developer_client_weeks"))
    weeks["week_start"] = pd.to_datetime(weeks["week_start"])
    weeks["cost_usd"] = weeks["cost_usd"].astype(float)
    frame = pd.DataFrame(rollouts(weeks, min_group_size), columns=COLUMNS)
    typed = frame.astype(
        {
            "rollout": "string",
            "metric": "string",
            "wave_week": "datetime64[ns]",
            "treated_units": "Int64",
            "comparison_units": "Int64",
            **{
                c: "float64"
                for c in (
                    "treated_change",
                    "comparison_change",
                    "estimate",
                    "ci_low",
                    "ci_high",
                    "p_value",
                    "pre_trend_difference",
                    "pre_trend_p_value",
                )
            },
            "is_significant": "boolean",
            "parallel_trends_plausible": "boolean",
            "method": "string",
            "assumptions": "string",
        }
    )
    return to_engine(session, typed)

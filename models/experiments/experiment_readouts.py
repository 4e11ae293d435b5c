"""Each experiment's readout: per metric, segment and variant, the variant's value and, for a treatment, its lift
over control with the confidence interval, p-value (Welch's t on one value per unit), achieved power for the
minimum detectable effect, the units that effect needs, and the sample-ratio check.

A Python model because the readout needs the t and noncentral t distributions, which SQL engines lack; the
statistics live in orchestration/experiments.py (tested against statsmodels)."""

from __future__ import annotations

import pandas as pd

from orchestration.experiments import SRM_ALPHA, compare, sample_ratio_p_value
from orchestration.model_io import column_max, to_engine, to_pandas

COLUMNS = [
    "experiment_id",
    "metric",
    "metric_role",
    "segment_type",
    "segment_value",
    "variant",
    "is_control",
    "units_assigned",
    "units_measured",
    "metric_mean",
    "metric_std",
    "control_mean",
    "absolute_lift",
    "relative_lift",
    "ci_low",
    "ci_high",
    "relative_ci_low",
    "relative_ci_high",
    "p_value",
    "test_name",
    "alpha",
    "is_significant",
    "minimum_detectable_effect",
    "achieved_power",
    "required_units_per_variant",
    "sample_sufficient",
    "srm_p_value",
    "sample_ratio_mismatch",
    "window_start",
    "window_end",
    "as_of_date",
    "is_complete",
]


def segments(units: pd.DataFrame, min_group_size: int) -> list[tuple[str, str, pd.DataFrame]]:
    """Overall, and by persona when every persona has enough measured units in every variant (a persona left
    out could otherwise be worked out from the overall row and the others)."""
    found = [("overall", "all", units)]
    measured = units[units["metric_value"].notna()]
    cells = measured.groupby(["persona", "variant"]).size()
    personas = units["persona"].dropna().unique()
    variants = units["variant"].unique()
    complete = all(cells.get((p, v), 0) >= min_group_size for p in personas for v in variants)
    if complete and len(personas) > 1 and units["persona"].notna().all():
        found += [("persona", p, units[units["persona"] == p]) for p in sorted(personas)]
    return found


def readout(units: pd.DataFrame, design: pd.Series, as_of: object, min_group_size: int) -> list[dict]:
    rows = []
    control_name = design["control_variant"]
    first = units.iloc[0]
    window = {
        "window_start": first["window_start"],
        "window_end": first["window_end"],
        "as_of_date": as_of,
        # window_end is the day after the last: the readout is final once the last day is in.
        "is_complete": as_of is not None
        and pd.Timestamp(as_of) >= pd.Timestamp(first["window_end"]) - pd.Timedelta(days=1),
    }
    alpha = float(design["alpha"])
    mde = float(design["minimum_detectable_effect"])
    for segment_type, segment_value, segment in segments(units, min_group_size):
        assigned = segment.groupby("variant")["unit_id"].nunique()
        control = segment[(segment["variant"] == control_name) & segment["metric_value"].notna()]["metric_value"]
        for variant in sorted(segment["variant"].unique(), key=lambda v: (v != control_name, v)):
            values = segment[(segment["variant"] == variant) & segment["metric_value"].notna()]["metric_value"]
            row = {
                "experiment_id": design["experiment_id"],
                "metric": first["metric"],
                "metric_role": first["metric_role"],
                "segment_type": segment_type,
                "segment_value": segment_value,
                "variant": variant,
                "is_control": variant == control_name,
                "units_assigned": int(assigned.get(variant, 0)),
                "units_measured": len(values),
                "metric_mean": float(values.mean()) if len(values) else None,
                "metric_std": float(values.std(ddof=1)) if len(values) > 1 else None,
                "alpha": alpha,
                "minimum_detectable_effect": mde,
                **window,
            }
            if variant != control_name:
                share = float(design["planned_treatment_share"])
                srm = sample_ratio_p_value(int(assigned.get(control_name, 0)), int(assigned.get(variant, 0)), share)
                row.update(srm_p_value=srm, sample_ratio_mismatch=srm < SRM_ALPHA)
                result = compare(control, values, alpha=alpha, minimum_detectable_effect=mde,
                                 power=float(design["target_power"]))  # fmt: skip
                if result is not None:
                    needed = result.required_units_per_variant
                    row.update(
                        control_mean=result.control_mean,
                        absolute_lift=result.absolute_lift,
                        relative_lift=result.relative_lift,
                        ci_low=result.ci_low,
                        ci_high=result.ci_high,
                        relative_ci_low=result.relative_ci_low,
                        relative_ci_high=result.relative_ci_high,
                        p_value=result.p_value,
                        test_name=result.test,
                        is_significant=result.p_value < alpha,
                        achieved_power=result.achieved_power,
                        required_units_per_variant=needed,
                        sample_sufficient=needed is not None
                        and min(result.control_units, result.treatment_units) >= needed,
                    )
            rows.append(row)
    return rows


def model(dbt, session):
    dbt.config(materialized="table")
    min_group_size = int(dbt.config.get("min_group_size"))
    # In a fixed order: a mean or a deviation summed in another order can differ in its last bit.
    units = to_pandas(dbt.ref("int_experiment_units_measured")).sort_values(["experiment_id", "metric", "unit_id"])
    designs = to_pandas(dbt.ref("experiments")).set_index("experiment_id", drop=False)
    as_of = column_max(dbt.ref("fct_sessions"), "session_date")
    rows: list[dict] = []
    for (experiment_id, _metric), group in units.groupby(["experiment_id", "metric"], sort=True):
        rows += readout(group, designs.loc[experiment_id], as_of, min_group_size)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # Typed even when empty, so the marts' contracts hold on a warehouse with no experiment yet.
    typed = frame.astype(
        {
            "units_assigned": "Int64",
            "units_measured": "Int64",
            "required_units_per_variant": "Int64",
            "is_control": "boolean",
            "is_significant": "boolean",
            "sample_sufficient": "boolean",
            "sample_ratio_mismatch": "boolean",
            "is_complete": "boolean",
            **{
                c: "float64"
                for c in COLUMNS
                if c.endswith(("_mean", "_std", "_lift", "_low", "_high", "_value", "alpha", "_effect", "_power"))
                and c != "segment_value"
            },
            "segment_value": "string",
            "test_name": "string",
        }
    )
    return to_engine(session, typed)

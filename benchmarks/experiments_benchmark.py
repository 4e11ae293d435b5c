"""Experiments on generated organisations running the two planted experiments (generator/experiments.py): per
seed, whether the real effect (cost per session x0.6) is significant with the right sign and its interval
covers the planted -40%, and whether the null experiment (no effect) stays not significant. Then the false
positive rate over 100 null experiments: each seed's null experiment on its primary metric, and A/A
re-randomisations of the same units (a fresh fair coin per unit, the readout's own code), 10 per seed.

    .venv/bin/python benchmarks/experiments_benchmark.py                 # seeds 201-210, 60 developers, 42 days
    .venv/bin/python benchmarks/experiments_benchmark.py --seeds 211-215
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from orchestration.experiments import compare
from orchestration.generator.experiments import PLANTED, build_planted_experiments

END = date(2026, 11, 30)
ALPHA = 0.05


def seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def readout(con: duckdb.DuckDBPyConnection, experiment: str, metric: str) -> tuple:
    return con.execute(
        """select relative_lift, relative_ci_low, relative_ci_high, p_value, is_significant
        from marts.experiment_results_v1
        where experiment_id = ? and metric = ? and segment_type = 'overall' and not is_control""",
        [experiment, metric],
    ).fetchone()


def null_p_values(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, draws: int) -> list[float]:
    """A/A: the null experiment's units on its primary metric, re-assigned by a fresh fair coin."""
    values = np.array(
        [
            v
            for (v,) in con.execute(
                """select metric_value from intermediate.int_experiment_units_measured
                where experiment_id = 'onboarding_checklist' and metric = 'session_success_rate'
                    and metric_value is not null order by unit_id"""
            ).fetchall()
        ]
    )
    found = []
    while len(found) < draws:
        coin = rng.random(len(values)) < 0.5
        result = compare(values[~coin], values[coin], alpha=ALPHA, minimum_detectable_effect=0.1, power=0.8)
        if result is not None:
            found.append(result.p_value)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="201-210")
    parser.add_argument("--developers", type=int, default=60)
    parser.add_argument("--days", type=int, default=42)
    parser.add_argument("--aa-per-seed", type=int, default=9, help="A/A draws per seed beside its null experiment")
    args = parser.parse_args()
    planted = PLANTED["prompt_caching_guide"][2]
    rng = np.random.default_rng(0)
    found = covered = null_significant = 0
    null_ps: list[float] = []
    chosen = seeds(args.seeds)
    print(f"{args.developers} developers, {args.days} days, planted relative lift {planted:+.0%}, alpha {ALPHA}")
    print("seed | effect: lift [CI] p | found | CI covers | null: lift [CI] p | null significant | s")
    for seed in chosen:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            build_planted_experiments(home, args.developers, args.days, seed, END)
            con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
            lift, low, high, p, significant = readout(con, "prompt_caching_guide", "cost_per_session_usd")
            n_lift, n_low, n_high, n_p, n_significant = readout(con, "onboarding_checklist", "session_success_rate")
            null_ps += [n_p, *null_p_values(con, rng, args.aa_per_seed)]
            con.close()
        hit = bool(significant and lift < 0)
        covers = low <= planted <= high
        found += hit
        covered += covers
        null_significant += bool(n_significant)
        print(
            f"{seed} | {lift:+.3f} [{low:+.3f}, {high:+.3f}] {p:.2g} | {hit} | {covers} | "
            f"{n_lift:+.3f} [{n_low:+.3f}, {n_high:+.3f}] {n_p:.2g} | {bool(n_significant)} | "
            f"{time.perf_counter() - started:.0f}"
        )
    n = len(chosen)
    false_positives = sum(p < ALPHA for p in null_ps)
    print(f"\nreal effect found (significant, right sign): {found}/{n}")
    print(f"its {1 - ALPHA:.0%} interval covers the planted {planted:+.0%}: {covered}/{n}")
    print(f"null experiment significant: {null_significant}/{n}")
    print(
        f"false positive rate over {len(null_ps)} null experiments (each seed's null and its A/A draws): "
        f"{false_positives}/{len(null_ps)} = {false_positives / len(null_ps):.1%} (alpha {ALPHA:.0%})"
    )
    return 0 if found == n else 1


if __name__ == "__main__":
    sys.exit(main())

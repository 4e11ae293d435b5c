"""Alerts on generated organisations with one incident of each kind planted (generator/incidents.py), then a
quiet month: per seed, whether each planted incident raised its alert on its date and segment (recall), and
how many change alerts (anomaly, trend, correlation) the quiet month raised and how many milestone alerts
other than the planted one there were (false positives), with the number of values the detectors judged in
the quiet month, for a rate.

    .venv/bin/python benchmarks/alerts_benchmark.py                 # 10 seeds, 30 developers, 98 days
    .venv/bin/python benchmarks/alerts_benchmark.py --seeds 101-105
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from orchestration.generator.incidents import ALERT_MARTS, CHANGE_KINDS, Plan, build_planted, planted_alerts

# Values each detector judges in the quiet month: (mart, the date column, detectors per row).
JUDGED = (
    ("org_daily_v1", "activity_date", 3),  # cost, active developers, cost per output (per tool)
    ("team_weekly_v2", "week_start", 5),  # sessions, cost (anomaly); two targets (trend); edits vs tokens
    ("feature_usage_weekly_v1", "week_start", 1),  # uses
)


def planted_found(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, bool]:
    return {
        kind: con.execute(
            f"select count(*) from marts.{mart} where kind = ? and metric = ? and segment_value = ? "  # noqa: S608
            "and period_start = ?",
            [kind, metric, segment, day],
        ).fetchone()[0]
        > 0
        for kind, (mart, _, metric, segment, day) in planted_alerts(plan).items()
    }


def false_alerts(con: duckdb.DuckDBPyConnection, plan: Plan) -> list[tuple]:
    """Change alerts in the quiet month, and milestone alerts (dated by their cohort) other than the planted."""
    kinds = ", ".join(f"'{k}'" for k in CHANGE_KINDS)
    planted = {alert[1:] for alert in planted_alerts(plan).values()}
    return [
        (mart, *row)
        for mart in ALERT_MARTS
        for row in con.execute(
            f"select kind, metric, segment_value, period_start, observed, expected from marts.{mart} "  # noqa: S608
            f"where kind in ({kinds}) and (period_start >= ? or kind = 'milestone')",
            [plan.quiet_from],
        ).fetchall()
        if tuple(row[:4]) not in planted
    ]


def judged(con: duckdb.DuckDBPyConnection, plan: Plan) -> int:
    return sum(
        detectors
        * con.execute(f"select count(*) from marts.{mart} where {column} >= ?", [plan.quiet_from]).fetchone()[0]  # noqa: S608
        for mart, column, detectors in JUDGED
    )


def seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=seeds, default=seeds("101-110"), help="first-last (default 101-110)")
    parser.add_argument("--developers", type=int, default=30)
    parser.add_argument("--days", type=int, default=98)
    args = parser.parse_args()
    end = date(2026, 11, 30)
    totals = {"false": 0, "judged": 0, "months_with_false": 0, "found": 0, "planted": 0}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            home = Path(scratch)
            plan = build_planted(home, args.developers, args.days, seed, end)
            con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
            try:
                found = planted_found(con, plan)
                false = false_alerts(con, plan)
                values = judged(con, plan)
            finally:
                con.close()
        totals["false"] += len(false)
        totals["judged"] += values
        totals["months_with_false"] += bool(false)
        totals["found"] += sum(found.values())
        totals["planted"] += len(found)
        missed = [kind for kind, hit in found.items() if not hit]
        print(
            f"seed {seed}: planted alerts found {sum(found.values())}/{len(found)}"
            f"{' (missed: ' + ', '.join(missed) + ')' if missed else ''}; quiet month: {len(false)} false alerts "
            f"of {values} values judged ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        for alert in false:
            print(f"    {alert}")
    print(
        f"{len(args.seeds)} organisations: planted alerts found {totals['found']}/{totals['planted']}; "
        f"quiet months with a false alert {totals['months_with_false']}/{len(args.seeds)}; "
        f"false alerts {totals['false']} of {totals['judged']} values judged "
        f"({totals['false'] / max(1, totals['judged']):.2%})"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()

"""Incidents the generator can plant at known dates, one per alert kind, so tests can prove each alert
fires on its date and segment, and that the weeks after them (the quiet month) raise nothing.

- anomaly: on one day, every Claude Code session runs on Opus with eight times the tokens, so the
  organisation's Claude Code cost that day is far above the same weekday's before (org file);
- trend: in the largest product team, sessions are abandoned more each week for three weeks, so its
  session success rate falls three weeks running (team file);
- correlation: in the second largest product team, for one week, every edit is rejected (in Claude Code and
  Cursor) while responses take three times the tokens: accepted edits fall as tokens rise (team file);
- milestone: the developers who adopt in the second calendar week reject every edit for their first
  `SLOW_DAYS` days, so their cohort takes far longer than the others to its first accepted edit (product
  file). With a plan, everyone's first session is on their adoption day, so a cohort is who adopted that week.

The plan needs at least `MIN_DAYS` days: each incident has four or more weeks of history before it, and the
last 28 days are left quiet. With a plan, adoption is over by the fourth week (everyone starts in the first
three weeks and reaches their usual use within `RAMP_DAYS`), so what follows is steady unless planted: the
quiet month tests the detectors, not the adoption curve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from orchestration.generator.org import Developer

MIN_DAYS = 98
QUIET_DAYS = 28
ADOPTION_DAYS = 21
RAMP_DAYS = 14
SLOW_DAYS = 14
OPUS = "claude-opus-4-5-20251101"


@dataclass(frozen=True)
class Conditions:
    """How one developer's sessions on one day differ from usual (None: as usual)."""

    model: str | None = None
    token_multiplier: float = 1.0
    abandon_probability: float | None = None
    reject_edits: bool = False


USUAL = Conditions()


def steady(developers: list[Developer], days: int) -> list[Developer]:
    """The same developers, each adopting in the first `ADOPTION_DAYS` (in the same order as before)."""
    span = max(1, int(days * 0.7))  # build_org spreads adoption over 70% of the days
    return [replace(d, adoption_day=d.adoption_day * ADOPTION_DAYS // span) for d in developers]


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


@dataclass(frozen=True)
class Plan:
    start: date
    anomaly_day: date
    trend_team: str
    trend_weeks: tuple[date, date, date]  # Mondays, abandonment rising
    correlation_team: str
    correlation_week: date  # a Monday
    quiet_from: date

    @classmethod
    def for_sample(cls, start: date, days: int, developers: list[Developer]) -> Plan:
        if days < MIN_DAYS:
            raise ValueError(f"planting alerts needs at least {MIN_DAYS} days (4 weeks of history and a quiet month)")
        sizes: dict[str, int] = {}
        for dev in developers:
            if dev.team not in ("leadership", "platform") and dev.uses_claude_code:
                sizes[dev.team] = sizes.get(dev.team, 0) + 1
        teams = sorted(sizes, key=lambda t: (-sizes[t], t))
        if len(teams) < 2:
            raise ValueError("planting alerts needs two product teams that use Claude Code")
        # Four weeks of history first; one incident after the other; the last 28 days quiet.
        trend = _monday_on_or_after(start + timedelta(days=28))
        anomaly = trend + timedelta(days=23)  # the Wednesday after the trend's three weeks
        correlation = trend + timedelta(days=28)
        return cls(
            start=start,
            anomaly_day=anomaly,
            trend_team=teams[0],
            trend_weeks=(trend, trend + timedelta(days=7), trend + timedelta(days=14)),
            correlation_team=teams[1],
            correlation_week=correlation,
            quiet_from=start + timedelta(days=days - QUIET_DAYS),
        )

    @property
    def slow_cohort_week(self) -> date:
        """The Monday of the slow cohort's week: the second calendar week of the sample."""
        return _monday_on_or_after(self.start + timedelta(days=1))

    def conditions(self, dev: Developer, day: date) -> Conditions:
        adoption = self.start + timedelta(days=dev.adoption_day)
        in_slow_cohort = self.slow_cohort_week <= adoption < self.slow_cohort_week + timedelta(days=7)
        if in_slow_cohort and adoption <= day < adoption + timedelta(days=SLOW_DAYS):
            return Conditions(reject_edits=True)
        if day == self.anomaly_day:
            return Conditions(model=OPUS, token_multiplier=8.0)
        if dev.team == self.trend_team:
            for step, monday in enumerate(self.trend_weeks):
                if monday <= day < monday + timedelta(days=7):
                    return Conditions(abandon_probability=(0.55, 0.8, 0.97)[step])
        if dev.team == self.correlation_team and self.correlation_week <= day < self.correlation_week + timedelta(
            days=7
        ):
            return Conditions(token_multiplier=3.0, reject_edits=True)
        return USUAL


# The alerts marts, the kinds that report a change (threshold alerts report a target missed, planted or not).
ALERT_MARTS = ("org_alerts_v1", "team_alerts_v1", "product_alerts_v1")
CHANGE_KINDS = ("anomaly", "trend", "correlation", "milestone")


def planted_alerts(plan: Plan) -> dict[str, tuple[str, str, str, str, date]]:
    """Per kind, the alert each planted incident must raise: (mart, kind, metric, segment value, period)."""
    return {
        "anomaly": ("org_alerts_v1", "anomaly", "cost_usd", "claude_code", plan.anomaly_day),
        "trend": ("team_alerts_v1", "trend", "session_success_rate", plan.trend_team, plan.trend_weeks[2]),
        "correlation": (
            "team_alerts_v1",
            "correlation",
            "edits_accepted",
            plan.correlation_team,
            plan.correlation_week,
        ),
        "milestone": (
            "product_alerts_v1",
            "milestone",
            "days_to_milestone",
            "first_accepted_edit",
            plan.slow_cohort_week,
        ),
    }


def build_planted(home: Path, developers: int, days: int, seed: int, end: date) -> Plan:
    """A generated organisation with the incidents planted, loaded, and its alerts marts built (with what they
    are built from, without data tests), under `home`. Returns the plan."""
    from orchestration.dbt import run_dbt
    from orchestration.generator import GenerateConfig, generate
    from orchestration.generator.org import build_org
    from orchestration.loader import load

    start = end - timedelta(days=days - 1)
    generate(GenerateConfig(out=home / "landing", developers=developers, days=days, seed=seed, start=start,
                            plant_alerts=True))  # fmt: skip
    load(home / "landing", home / "warehouse.duckdb", measure_storage=False)
    selected = [f"+{mart}" for mart in ALERT_MARTS]
    build = run_dbt("build", "--select", *selected, "--exclude", "test_type:data", home=home, capture=True)
    if build.returncode != 0:
        raise RuntimeError(f"dbt could not build the alerts marts:\n{build.stdout[-3000:]}")
    return Plan.for_sample(start, days, build_org(developers, days, seed))

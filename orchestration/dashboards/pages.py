"""The dashboards' pages per persona, as data: which query each block shows and how.

The queries are SQL files beside this module (`queries/<persona>/<name>.sql`), run against that persona's
published file only; reports and the API can read the same files. The Streamlit app (`app.py`) renders
these specs, and `sites.check` runs every query before a site is served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

QUERIES = Path(__file__).parent / "queries"


@dataclass(frozen=True)
class Metrics:
    """A row of headline figures from a one-row query: (column, label, format) with format int|usd|rate."""

    query: str
    figures: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Chart:
    """kind: line | bar | heat | sankey. For heat, `color` is the value; for sankey, x→y weighted by value."""

    query: str
    kind: str
    x: str
    y: str
    title: str
    color: str | None = None
    value: str | None = None
    # The column a bar chart's or heat map's x axis is ordered by (default: a bar's height, tallest first; a
    # heat map's x values ascending).
    order: str | None = None


@dataclass(frozen=True)
class Table:
    query: str
    title: str


@dataclass(frozen=True)
class Page:
    title: str
    slug: str
    blocks: tuple[Metrics | Chart | Table, ...]
    # A drill-down: the reader picks one value of this column and every block shows its rows only.
    pick: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Persona:
    name: str
    title: str
    pages: tuple[Page, ...] = field(default_factory=tuple)


def sql(persona: str, query: str) -> str:
    return (QUERIES / persona / f"{query}.sql").read_text()


# Every audience with alerts shows them the same way.
ALERTS_PAGE = Page(
    "Alerts",
    "alerts",
    (Table("alerts", "Targets missed, trends, anomalies and diverging metrics, newest first"),),
    note="Thresholds check the metric catalog's targets; trends are three periods running the wrong way; "
    "anomalies compare a value with the same weekday's (or the previous weeks') values; correlations are "
    "accepted edits falling while tokens rise; milestones are a cohort far slower than the others to a step. "
    "Alerts never hold back a publish.",
)

# Product research and engineering managers read the same readout, each from their own file.
EXPERIMENTS_PAGE = Page(
    "Experiments",
    "experiments",
    (
        Chart(
            "experiments", "bar", "experiment_metric", "relative_lift", "Relative lift over control", color="variant"
        ),
        Table("experiments", "Lift, 95% interval, p-value (Welch's t per unit), power for the MDE, sample checks"),
    ),
    note="Each experiment of seeds/experiments.csv, from its first assignment for its planned days. A lift is "
    "significant when p < alpha; achieved power is the chance this sample had to detect the minimum detectable "
    "effect; a sample-ratio mismatch means the assignment is broken. Segments whose variants are under 3 units "
    "are not shown.",
)

ROI_NOTE = (
    "ESTIMATES, by the stated method of docs/roi.md: succeeded sessions' active hours x (unassisted / assisted "
    "time - 1) per task type, from published studies in three scenarios (low: slower with AI; central; high), "
    "valued at the loaded cost per hour, against usage plus seats."
)

PERSONAS: dict[str, Persona] = {
    persona.name: persona
    for persona in (
        Persona(
            "developer",
            "My AI-assisted work",
            (
                Page(
                    "My trends",
                    "trends",
                    (
                        Metrics(
                            "totals",
                            (
                                ("active_days", "Active days", "int"),
                                ("sessions", "Sessions", "int"),
                                ("total_tokens", "Tokens", "int"),
                                ("cost_usd", "Cost", "usd"),
                                ("edits_accepted", "Edits accepted", "int"),
                            ),
                        ),
                        Chart("daily", "line", "activity_date", "cost_usd", "Cost per day (USD)"),
                        Chart("daily", "line", "activity_date", "sessions", "Sessions per day"),
                        Chart("weekly", "line", "week_start", "session_success_rate", "Session success rate by week"),
                    ),
                ),
                Page(
                    "My tools",
                    "tools",
                    (
                        Chart("tools", "bar", "feature", "uses", "Uses per tool and feature", color="tool"),
                        Table("tools", "Uses and failures"),
                    ),
                ),
                Page(
                    "Peak hours",
                    "peak-hours",
                    (Chart("peak_hours", "bar", "hour_of_day_utc", "interactions", "Interactions by hour (UTC)"),),
                ),
                Page(
                    "My sessions",
                    "sessions",
                    (
                        Chart("outcomes", "bar", "outcome", "sessions", "Sessions by outcome", color="tool"),
                        Table("sessions", "Sessions, newest first"),
                    ),
                ),
            ),
        ),
        Persona(
            "team",
            "Team",
            (
                Page(
                    "Team trends",
                    "trends",
                    (
                        Metrics(
                            "totals",
                            (
                                ("members", "Members", "int"),
                                ("sessions", "Sessions", "int"),
                                ("cost_usd", "Cost", "usd"),
                                ("edits_accepted", "Edits accepted", "int"),
                                ("commits", "Commits", "int"),
                            ),
                        ),
                        Chart("weekly", "line", "week_start", "sessions", "Sessions per week"),
                        Chart("weekly", "line", "week_start", "adoption_rate", "Adoption (active / members)"),
                        Chart("weekly", "line", "week_start", "session_success_rate", "Session success rate"),
                    ),
                ),
                Page(
                    "Distribution",
                    "distribution",
                    (
                        Chart("weekly", "line", "week_start", "member_sessions_median", "Median sessions per member"),
                        Chart("weekly", "line", "week_start", "member_cost_usd_median", "Median cost per member (USD)"),
                    ),
                    note="Medians over the week's active members: no single member's minimum or maximum is shown.",
                ),
                Page(
                    "Members (opted in)",
                    "members",
                    (
                        Chart("members", "line", "week_start", "sessions", "Sessions per week"),
                        Chart("members", "line", "week_start", "cost_usd", "Cost per week (USD)"),
                        Table("members", "Weekly figures"),
                    ),
                    pick="developer_id",
                    note="Only members who opted in to individual sharing appear here.",
                ),
                Page(
                    "Interaction patterns",
                    "patterns",
                    (
                        Chart("patterns", "bar", "task_type", "sessions", "Sessions by task type"),
                        Table("patterns", "Success and duration by task type"),
                    ),
                ),
                Page(
                    "Milestone funnel",
                    "funnel",
                    (
                        Chart(
                            "funnel",
                            "bar",
                            "milestone",
                            "developers_reached",
                            "Members who reached each milestone",
                            order="milestone_order",
                        ),
                        Table("funnel", "Conversion and days to each milestone"),
                    ),
                    note="A step fewer than 3 members reached is not shown.",
                ),
                Page(
                    "Adoption and retention",
                    "adoption",
                    (
                        Chart(
                            "adoption",
                            "bar",
                            "milestone",
                            "days_since_first_active_week",
                            "Days from the team's first active week to each adoption milestone",
                            order="milestone_order",
                        ),
                        Chart(
                            "retention",
                            "line",
                            "weeks_since_start",
                            "retention_rate",
                            "Members active N weeks on (all, and by an accepted edit in the first week)",
                            color="behavioural_cohort",
                        ),
                        Table("stalls", "Where members stall (at least 3 members per row)"),
                    ),
                    note="Each adoption milestone is reached by at least 3 members at once.",
                ),
                Page(
                    "ROI (estimate)",
                    "roi",
                    (
                        Chart(
                            "roi",
                            "line",
                            "month",
                            "estimated_value_usd",
                            "Estimated value of time saved (USD)",
                            color="scenario",
                        ),
                        Table("roi", "Estimated hours saved, value and ROI by scenario"),
                    ),
                    note=ROI_NOTE,
                ),
                ALERTS_PAGE,
            ),
        ),
        Persona(
            "org",
            "Engineering management",
            (
                Page(
                    "Cost per output",
                    "cost",
                    (
                        Metrics(
                            "totals",
                            (
                                ("cost_usd", "Cost", "usd"),
                                ("outputs", "Outputs (edits, commits, PRs)", "int"),
                                ("cost_per_output_usd", "Cost per output", "usd"),
                                ("cost_above_reference_usd", "Above the reference model", "usd"),
                            ),
                        ),
                        Chart("daily", "line", "activity_date", "cost_per_output_usd", "Cost per output", color="tool"),
                        Chart("daily", "bar", "activity_date", "cost_usd", "Cost per day (USD)", color="tool"),
                    ),
                ),
                Page(
                    "Teams",
                    "teams",
                    (
                        Chart("teams", "bar", "team", "cost_per_output_usd", "Cost per output by team", color="team"),
                        Chart(
                            "teams", "heat", "month_start", "team", "Session success rate", color="session_success_rate"
                        ),
                        Table("teams", "Teams by month"),
                    ),
                ),
                Page(
                    "Cost by model",
                    "models",
                    (
                        Chart("models", "bar", "model_name", "cost_usd", "Cost by model (USD)", color="tool"),
                        Table("models", "Models by month"),
                    ),
                ),
                Page(
                    "Adoption",
                    "adoption",
                    (
                        Chart("daily", "line", "activity_date", "active_developers", "Active developers", color="tool"),
                        Chart(
                            "adoption",
                            "heat",
                            "milestone",
                            "team",
                            "Days from each team's first active week to its adoption milestones",
                            color="days_since_first_active_week",
                            order="milestone_order",
                        ),
                        Chart(
                            "retention",
                            "line",
                            "weeks_since_start",
                            "retention_rate",
                            "Retention by team",
                            color="team",
                        ),
                    ),
                    note="Team milestones are each reached by at least 3 members at once; teams under 3 members "
                    "are not shown.",
                ),
                Page(
                    "ROI (estimate)",
                    "roi",
                    (
                        Chart(
                            "roi",
                            "bar",
                            "team",
                            "estimated_roi",
                            "Estimated ROI by team and scenario",
                            color="scenario",
                        ),
                        Table("roi", "Estimated hours saved, value, tool cost and ROI by team, month and scenario"),
                    ),
                    note=ROI_NOTE,
                ),
                EXPERIMENTS_PAGE,
                ALERTS_PAGE,
                Page(
                    "Licences",
                    "licences",
                    (
                        Chart(
                            "licences",
                            "bar",
                            "month_start",
                            "utilisation_rate",
                            "Seat utilisation",
                            color="licence_seat",
                        ),
                        Table("licences", "Seats and spend"),
                    ),
                ),
            ),
        ),
        Persona(
            "platform",
            "Platform health",
            (
                Page(
                    "Pipeline health",
                    "health",
                    (
                        Metrics(
                            "totals",
                            (
                                ("batches", "Load batches", "int"),
                                ("rows_loaded", "Rows loaded", "int"),
                                ("rows_quarantined", "Rows quarantined", "int"),
                            ),
                        ),
                        Chart("health", "line", "started_at", "duration_seconds", "Load duration (s)"),
                        Chart("health", "line", "started_at", "rows_per_second", "Rows per second"),
                        Table("health", "Batches"),
                    ),
                ),
                Page(
                    "Freshness and quarantine",
                    "freshness",
                    (
                        Chart(
                            "latency",
                            "line",
                            "loaded_at",
                            "seconds",
                            "Seconds from a new transcript line to its load and to its developer's file",
                            color="step",
                        ),
                        Table("latency_runs", "Latency per load run (the fresh path publishes every few seconds)"),
                        Chart("freshness", "bar", "landing_source", "hours_behind_at_load", "Hours behind at load"),
                        Table("freshness", "Sources"),
                        Table("quarantine", "Quarantine by reason"),
                    ),
                ),
                Page(
                    "Publish history",
                    "publishes",
                    (Table("publishes", "Every publish attempt"),),
                ),
                Page(
                    "Storage and pricing",
                    "storage",
                    (
                        Chart("storage", "bar", "table_name", "mib_on_disk", "MiB on disk", color="table_schema"),
                        Table("pricing", "Models and where their price comes from"),
                    ),
                ),
                ALERTS_PAGE,
            ),
        ),
        Persona(
            "product",
            "Product research",
            (
                Page(
                    "Feature usage",
                    "features",
                    (
                        Chart("features", "line", "week_start", "uses", "Uses per week", color="feature"),
                        Table("features", "Feature usage by week"),
                    ),
                ),
                Page(
                    "Failure modes",
                    "failures",
                    (
                        Metrics(
                            "totals",
                            (
                                ("attempts", "Attempts", "int"),
                                ("failures", "Failures", "int"),
                                ("failure_rate", "Failure rate", "rate"),
                            ),
                        ),
                        Chart("failures", "bar", "feature", "failures", "Failures by feature", color="tool"),
                        Table("failures", "Attempts and failures"),
                    ),
                ),
                Page(
                    "Journeys",
                    "journeys",
                    (
                        Chart(
                            "journeys",
                            "sankey",
                            "source_milestone",
                            "target_milestone",
                            "Milestone journeys",
                            value="developers",
                        ),
                    ),
                ),
                Page(
                    "Milestones and cohorts",
                    "milestones",
                    (
                        Chart(
                            "funnel",
                            "bar",
                            "milestone",
                            "developers_reached",
                            "Developers who reached each milestone",
                            order="milestone_order",
                        ),
                        Chart(
                            "cohorts",
                            "heat",
                            "weeks_since_start",
                            "cohort",
                            "Retention by weekly cohort",
                            color="retention_rate",
                        ),
                        Table("conversion", "Conversion by segment"),
                    ),
                ),
                Page(
                    "Stalls",
                    "stalls",
                    (
                        Chart(
                            "stalls",
                            "bar",
                            "waiting_for",
                            "developers",
                            "Developers waiting for each milestone",
                            color="segment_value",
                            order="waiting_for_order",
                        ),
                        Table("stalls", "Where developers stall, and the median wait"),
                    ),
                    note="A developer waits for the first milestone in the stream's order they have not reached. "
                    "Rows of fewer than 3 developers are not shown.",
                ),
                Page(
                    "Cursor features",
                    "cursor",
                    (
                        Chart("cursor_features", "bar", "feature", "uses", "Uses per feature", color="week_start"),
                        Chart(
                            "cursor_features",
                            "line",
                            "week_start",
                            "acceptance_rate",
                            "Acceptance: tabs accepted / shown, applies accepted / decided",
                            color="feature",
                        ),
                        Table("cursor_features", "Requests, tabs and applies per week"),
                    ),
                ),
                EXPERIMENTS_PAGE,
                Page(
                    "Time to value",
                    "timing",
                    (
                        Chart(
                            "timing",
                            "heat",
                            "milestone",
                            "cohort",
                            "Median days from a cohort's first milestone to each later one",
                            color="median_days_to_reach",
                            order="milestone_order",
                        ),
                        Table("timing", "Median days to each milestone, by weekly adoption cohort"),
                    ),
                    note="A cohort is the developers whose first milestone fell in that week; a cell fewer than "
                    "3 of them reached is not shown. A cohort far slower than the others raises a milestone alert.",
                ),
                Page(
                    "Session patterns",
                    "patterns",
                    (
                        Chart("patterns", "bar", "outcome", "sessions", "Sessions by outcome", color="tool"),
                        Table("patterns", "Patterns by tool and outcome"),
                    ),
                ),
                ALERTS_PAGE,
            ),
        ),
    )
}


def queries(persona: str) -> set[str]:
    return {block.query for page in PERSONAS[persona].pages for block in page.blocks}


def formatted(value: object, fmt: str) -> str:
    """A headline figure as the page shows it (and as the tests read it back)."""
    if value is None or value != value:  # NaN: an aggregate of no rows
        return "n/a"
    if fmt == "usd":
        return f"${float(value):,.2f}"
    if fmt == "rate":
        return f"{float(value):.1%}"
    return f"{int(value):,}"

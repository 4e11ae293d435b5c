"""The `ai-telemetry` command."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from orchestration.paths import HOME_ENV_VAR, PROJECT_DIR, Paths


def _generate(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.generator import GenerateConfig, generate

    out = Path(args.out) if args.out else paths.landing
    cfg = GenerateConfig(
        out=out,
        developers=args.developers,
        days=args.days,
        seed=args.seed,
        start=args.start or sample_start(args.end, args.days),
        canary=args.canary,
        workers=args.workers,
        plant_alerts=args.plant_alerts,
        plant_experiments=args.plant_experiments,
    )
    summary = generate(cfg)
    print(f"generated into {out}: {summary.describe()}")
    return 0


def _load(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.loader import load

    landing = Path(args.landing) if args.landing else paths.landing
    if not landing.is_dir():
        print(f"error: landing folder {landing} does not exist", file=sys.stderr)
        return 2
    summary = load(landing, paths.warehouse)
    print(f"loaded {landing} into {paths.warehouse}\n{summary.describe()}")
    return 0


def sample_start(end: date | None, days: int) -> date:
    """The first day of a sample that ends on `end` (today, UTC, by default): the demo never goes stale, and
    a seed with an end date gives the same files every time."""
    last = end or datetime.now(UTC).date()
    return last - timedelta(days=days - 1)


def _run(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.pipeline import run_pipeline

    start = sample_start(args.end, args.days)
    return run_pipeline(
        paths,
        developers=args.developers,
        days=args.days,
        seed=args.seed,
        start=start,
        verbose=args.verbose,
        rebuild=args.rebuild,
    )


def _catalog(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.catalog import run_catalog

    return run_catalog(check=args.check)


def _bench(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.bench import run_bench

    keep = Path(args.keep) if args.keep else None
    return run_bench(args.sizes, Path(args.json) if args.json else None, Path(args.markdown) if args.markdown else None,
                     keep, args.freshness_developers, args.rounds)  # fmt: skip


def _fresh(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.fresh import FreshError, refresh_developer_files, watch

    if args.watch:
        watch(paths, args.watch)
        return 0
    try:
        print(refresh_developer_files(paths).describe())
    except FreshError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _spark(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.spark import run_spark

    return run_spark(paths, developers=args.developers, days=args.days, seed=args.seed, tests=not args.no_tests)


def _review(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.review import ReviewConfig, run_review

    config = ReviewConfig(
        base=args.base,
        head=args.head,
        out=Path(args.out),
        work=Path(args.work) if args.work else paths.home / "review",
        developers=args.developers,
        days=args.days,
        seed=args.seed,
    )
    return run_review(config)


def _developer_question(args: argparse.Namespace, paths: Paths) -> int:
    """`stats`, `sessions` and `tools`: an answer from the developer's own data, or why there is none."""
    from orchestration import stats as questions

    day = args.date or datetime.now(UTC).date()
    try:
        if args.command == "stats":
            text = questions.render_stats(
                questions.stats(paths, args.period, day, args.developer, _claude_dir(args, paths)), args.json
            )
        elif args.command == "sessions":
            text = questions.render_sessions(questions.sessions(paths, day, args.developer), args.json)
        else:
            text = questions.render_tools(questions.tools(paths, day, args.developer), args.json)
    except questions.StatsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(text)
    return 0


def _dashboards(args: argparse.Namespace, paths: Paths) -> int:
    """`dashboards build` checks every site's queries against the published files; `serve` shows one site."""
    from orchestration.dashboards import sites
    from orchestration.stats import StatsError

    try:
        if args.action == "build":
            every = sites.every_site(paths)
            if not every:
                raise sites.DashboardError(f"nothing published under {paths.published}: run `ai-telemetry run` first")
            rows = sites.check(every)
            print(f"dashboards: {len(every)} sites, {sum(len(q) for q in rows.values())} queries answered")
            for persona in ("developer", "team", "org", "platform", "product"):
                subjects = [s.subject for s in every if s.persona == persona and s.subject]
                flag = {"developer": " --developer <id>", "team": " --team <team>"}.get(persona, "")
                shown = f"   ({', '.join(subjects[:6])}{', ...' if len(subjects) > 6 else ''})" if subjects else ""
                print(f"  ai-telemetry dashboards serve {persona}{flag}{shown}")
            return 0
        site = sites.site(paths, args.persona, args.developer, args.team)
        sites.check([site])
        sites.serve(site, args.port)  # does not return: the process becomes the server
        return 0
    except (sites.DashboardError, StatsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _report(args: argparse.Namespace, paths: Paths) -> int:
    """`report weekly` (a team's e-mail summary) and `report monthly` (the executive summary PDF)."""
    from orchestration.reports import make
    from orchestration.reports.common import ReportError
    from orchestration.reports.delivery import DeliveryError
    from orchestration.reports.executive import report_period

    try:
        if args.kind == "weekly":
            made = make.weekly(paths, args.team, args.week, args.send)
        else:
            label = args.quarter or args.month or make.last_complete_month(datetime.now(UTC).date())
            made = [make.executive(paths, report_period(label))]
    except (ReportError, DeliveryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for report in made:
        sent = f", sent to {', '.join(report.sent_to)}" if report.sent_to else ""
        note = f" ({report.note})" if report.note else ""
        print(f"{report.subject}: {', '.join(str(f) for f in report.files) or '-'}{sent}{note}")
    return 0


def _api(args: argparse.Namespace, paths: Paths) -> int:
    """`api serve` (the analytics API on 127.0.0.1) and `api token` (a new token for one audience)."""
    from orchestration import api
    from orchestration.catalog import min_group_size

    if args.action == "token":
        token = api.new_token(paths, args.audience, args.name)
        stored = paths.home / api.TOKENS_FILE
        print(f"a new {args.audience} token for {args.name!r} (shown once; only its hash is kept, in {stored}):")
        print(token)
        return 0
    from orchestration.api_app import serve

    serve(paths, args.host, args.port, min_group_size(PROJECT_DIR))
    return 0


def _claude_dir(args: argparse.Namespace, paths: Paths) -> Path | None:
    """Local mode's folder: --claude-dir, else ~/.claude when this home has published nothing."""
    if args.claude_dir:
        return Path(args.claude_dir).expanduser()
    default = Path.home() / ".claude"
    if not (paths.published / "developers").is_dir() and default.is_dir():
        return default
    return None


def _developer_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--date", type=date.fromisoformat, help="the day asked about, YYYY-MM-DD (default: today, UTC)"
    )
    command.add_argument(
        "--developer",
        help="your developer id (default: the directory's match for `git config user.email`, else the only "
        "developer file)",
    )
    command.add_argument("--json", action="store_true", help="JSON for scripts instead of a table")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ai-telemetry",
        description=(
            "Analytics warehouse for AI-assisted development telemetry. Data lives under "
            f"${HOME_ENV_VAR} (default: {PROJECT_DIR / 'data'}): landing/ for raw files, warehouse.duckdb."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser(
        "generate",
        help="write a sample organisation's telemetry in the real formats",
        description=(
            "Write Claude Code transcripts, Claude Code OTLP/JSON logs and metrics, Cursor Admin API daily "
            "usage JSON, Cursor usage-events CSV and the org directory CSV for a deterministic sample "
            "organisation. Streams to disk; the same seed and sizes give byte-identical files."
        ),
    )
    gen.add_argument("--out", help="folder to write (default: the landing folder)")
    gen.add_argument("--developers", type=int, default=30, help="developers in the organisation (default 30)")
    gen.add_argument("--days", type=int, default=42, help="days of activity (default 42)")
    gen.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    gen.add_argument("--start", type=date.fromisoformat, help="first day, YYYY-MM-DD (default: --days before --end)")
    gen.add_argument("--end", type=date.fromisoformat, help="last day, YYYY-MM-DD (default: today, UTC)")
    gen.add_argument("--canary", default="", help="a string planted in every prompt and payload (privacy tests)")
    gen.add_argument(
        "--plant-alerts",
        action="store_true",
        help="plant one incident per alert kind at known dates, then a quiet month (needs --days 98 or more)",
    )
    gen.add_argument(
        "--plant-experiments",
        action="store_true",
        help="run the two experiments of seeds/experiments.csv over the last 28 days (all days, when fewer): one "
        "with a real effect (cost per session -40%%), one with none, and write their assignments",
    )
    gen.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    gen.set_defaults(func=_generate)

    ld = sub.add_parser(
        "load",
        help="load the landing folder into the warehouse's raw schema",
        description=(
            "Load every source under the landing folder into raw tables of the DuckDB warehouse. "
            "Idempotent: unchanged files are skipped, grown files load only their new lines, rewritten "
            "files replace their earlier rows. Lines that cannot be loaded go to raw.quarantine with a reason; "
            "prompt text, code and tool payloads are reduced to kinds and sizes and never stored."
        ),
    )
    ld.add_argument("--landing", help="landing folder (default: $AI_TELEMETRY_HOME/landing)")
    ld.set_defaults(func=_load)

    run = sub.add_parser(
        "run",
        help="the main job: load, then build the dbt project, then summarise",
        description=(
            "Load whatever is in the landing folder (generating a sample organisation there first when it "
            "is empty), build and test the dbt project on the warehouse, and print a summary."
        ),
    )
    run.add_argument("--developers", type=int, default=30, help="sample size if one is generated (default 30)")
    run.add_argument("--days", type=int, default=42, help="sample days if one is generated (default 42)")
    run.add_argument("--seed", type=int, default=7, help="sample seed if one is generated (default 7)")
    run.add_argument("--end", type=date.fromisoformat, help="last day of a generated sample (default: today, UTC)")
    run.add_argument(
        "--rebuild", action="store_true", help="run the job even when nothing changed since the last published run"
    )
    run.add_argument("--verbose", action="store_true", help="print every Dagster and dbt event (always in logs/)")
    run.set_defaults(func=_run)

    cat = sub.add_parser(
        "catalog",
        help="regenerate the metric catalog (docs/metrics.md, versions, changelog, CODEOWNERS)",
        description=(
            "Parse the dbt project and regenerate, from its semantic layer: docs/metrics.md (every metric with "
            "its meta and lineage), the dbt docs overview, docs/metric_versions.json and docs/metrics_changelog.md "
            "(a metric whose definition changed gets the next version), docs/mart_versions.json (the shape of "
            "every versioned mart) and .github/CODEOWNERS. Fails when a rule is broken: a metric without its meta, "
            "a mart measure column no metric covers, a published mart version whose columns changed, a version "
            "removed before its deprecation date."
        ),
    )
    cat.add_argument("--check", action="store_true", help="write nothing; fail when a generated file is stale (CI)")
    cat.set_defaults(func=_catalog)

    bench = sub.add_parser(
        "bench",
        help="measure the whole pipeline on generated organisations of given sizes (ratios to in-run baselines)",
        description=(
            "Per size (transcript lines; other sources in proportion): generation; per source the bare scan, the "
            "unparsed-store floor and the load; the load of every source; the full dbt build; 1%% more sessions "
            "loaded and built incrementally; the same project built with no rows (any build's floor); the gate; "
            "the publish; peak RSS; warehouse and published sizes. "
            "Prints a markdown table with the targets met or missed; exits 1 when one is missed."
        ),
    )
    bench.add_argument(
        "--sizes", default="1M", help="comma-separated transcript lines, e.g. 1M,5M,10M (default 1M; 0 for none)"
    )
    bench.add_argument("--json", help="write the figures as JSON here")
    bench.add_argument("--markdown", help="write the table as markdown here")
    bench.add_argument("--keep", help="keep each size's files under this folder (default: a temporary folder)")
    bench.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="per source, the floor and the load alone are each the best of this many rounds, each round "
        "storing and loading every source in turn (default 2)",
    )
    bench.add_argument(
        "--freshness-developers",
        type=int,
        default=100,
        help="measure end-to-end freshness (p50/p95 over 20 new sessions) at this many developers; 0 skips it",
    )
    bench.set_defaults(func=_bench)

    fr = sub.add_parser(
        "fresh",
        help="publish new lines to their developers' files in seconds (what the fresh_lines sensor runs)",
        description=(
            "Load what is new, build the developer marts and what they are built from (tables only), run their "
            "Great Expectations suites, and publish a new version in which only the developers whose rows "
            "changed get a new file. Needs one full run first (ai-telemetry run)."
        ),
    )
    fr.add_argument("--watch", type=float, metavar="SECONDS", help="keep going: check the landing folder this often")
    fr.set_defaults(func=_fresh)

    sp = sub.add_parser(
        "spark",
        help="build the same dbt project on Spark and compare every mart with the DuckDB build",
        description=(
            "Load the landing folder (a generated sample when it is empty) and build the project on DuckDB; export "
            "the raw tables to Parquet under $AI_TELEMETRY_HOME/spark, register them in a local Spark session's "
            "metastore, build the whole project there with dbt-spark (profile target `spark`), and compare every "
            "mart: the same rows, numbers to 1e-9 relative. Exits 1 when a mart differs."
        ),
    )
    sp.add_argument("--developers", type=int, default=12, help="sample size if one is generated (default 12)")
    sp.add_argument("--days", type=int, default=21, help="sample days if one is generated (default 21)")
    sp.add_argument("--seed", type=int, default=7, help="sample seed if one is generated (default 7)")
    sp.add_argument("--no-tests", action="store_true", help="dbt run instead of dbt build (no data tests) on both")
    sp.set_defaults(func=_spark)

    rev = sub.add_parser(
        "review",
        help="report what a change does to models, marts and metric values, between two git refs",
        description=(
            "Build the project at two commits on the same generated sample and write a markdown report: models "
            "and metrics changed, schema and row-count differences of the marts, and for each changed metric its "
            "values before and after by day and team, largest changes first. Unchanged metrics are not listed."
        ),
    )
    rev.add_argument("--base", required=True, help="the git ref the change is compared against (e.g. origin/main)")
    rev.add_argument("--head", default="HEAD", help="the git ref of the change (default HEAD)")
    rev.add_argument("--out", default="review.md", help="markdown report to write (default review.md)")
    rev.add_argument("--work", help="scratch folder for worktrees and warehouses (default $AI_TELEMETRY_HOME/review)")
    rev.add_argument("--developers", type=int, default=12, help="sample developers (default 12)")
    rev.add_argument("--days", type=int, default=14, help="sample days (default 14)")
    rev.add_argument("--seed", type=int, default=7, help="sample seed (default 7)")
    rev.set_defaults(func=_review)

    st = sub.add_parser(
        "stats",
        help="your own numbers for a day, week or month, against your previous period and your usual",
        description=(
            "A developer's sessions, prompts, tokens by kind, cost, success rate, tool errors, lines changed and "
            "accepted edits for today, this week (Monday to Sunday) or this month, with the previous period, the "
            "change, and the average of the periods before (7 days, 4 weeks, 3 months). Reads only your own "
            "published file (published/developers/<you>.duckdb): the same numbers as the marts."
        ),
    )
    st.add_argument("period", nargs="?", choices=("today", "week", "month"), default="today")
    _developer_options(st)
    st.add_argument(
        "--claude-dir",
        help="local mode: answer from this ~/.claude folder, read in place (default ~/.claude when this home has "
        "published nothing); only what changed since the last question is loaded and built",
    )
    st.set_defaults(func=_developer_question)

    ss = sub.add_parser(
        "sessions",
        help="your sessions of a day: tool, task, outcome, time, prompts, tokens, cost",
        description="The sessions you started on --date (default today, UTC), in order, from your own file.",
    )
    _developer_options(ss)
    ss.set_defaults(func=_developer_question)

    tl = sub.add_parser(
        "tools",
        help="your tools and features in a week: uses, failures, durations",
        description="The tools and features you used in the week of --date, most used first, from your own file.",
    )
    _developer_options(tl)
    tl.set_defaults(func=_developer_question)

    db = sub.add_parser(
        "dashboards",
        help="each persona's dashboards over their own published file (Streamlit, on 127.0.0.1)",
        description=(
            "`build` runs every dashboard query against the latest published files and lists the sites; "
            "`serve PERSONA` shows one persona's pages over that persona's one file: a developer's own file "
            "(--developer, resolved like `stats`), a team's file (--team), or the org, platform or product file."
        ),
    )
    db.add_argument("action", choices=("build", "serve"))
    db.add_argument("persona", nargs="?", choices=("developer", "team", "org", "platform", "product"), default="org")
    db.add_argument("--developer", help="the developer whose file a developer site reads (default: as `stats`)")
    db.add_argument("--team", help="the team whose file a team site reads (default: the only team file)")
    db.add_argument("--port", type=int, default=8501, help="port on 127.0.0.1 (default 8501)")
    db.set_defaults(func=_dashboards)

    rp = sub.add_parser(
        "report",
        help="the weekly team summary (e-mail) or the monthly/quarterly executive summary (PDF)",
        description=(
            "`weekly` writes each team's summary of a week (the latest by default) under reports/weekly/ as an "
            "e-mail (.eml) and a page (.html), and with --send mails it through the SMTP server of reports.json; "
            "`monthly` writes the executive summary of a month (--month, default the last complete one) or a "
            "quarter (--quarter) as a PDF under reports/executive/."
        ),
    )
    rp.add_argument("kind", choices=("weekly", "monthly"))
    rp.add_argument("--team", help="weekly: one team (default: every published team with at least 3 members)")
    rp.add_argument("--week", type=date.fromisoformat, help="weekly: any day of the week (default: the latest)")
    rp.add_argument("--send", action="store_true", help="weekly: also send it to the team's recipients")
    period = rp.add_mutually_exclusive_group()
    period.add_argument("--month", help="monthly: YYYY-MM")
    period.add_argument("--quarter", help="monthly: a quarter instead, YYYY-Qn")
    rp.set_defaults(func=_report)

    ap = sub.add_parser(
        "api",
        help="the analytics API for R&D and product (read-only HTTP JSON, token per audience, on 127.0.0.1)",
        description=(
            "`serve` answers the product audience's metrics from its published file (OpenAPI page at /docs); "
            "`token` makes a bearer token for an audience and stores only its hash."
        ),
    )
    ap.add_argument("action", choices=("serve", "token"))
    ap.add_argument("--host", default="127.0.0.1", help="serve: address to bind (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8000, help="serve: port (default 8000)")
    ap.add_argument("--audience", default="product", choices=("product", "org", "platform"), help="token: its audience")
    ap.add_argument("--name", default="default", help="token: who it is for (kept beside its hash)")
    ap.set_defaults(func=_api)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = Paths.from_env()
    os.environ.setdefault(HOME_ENV_VAR, str(paths.home))
    return args.func(args, paths)


if __name__ == "__main__":
    raise SystemExit(main())

"""The `ai-telemetry` command."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
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
        start=args.start,
        canary=args.canary,
        workers=args.workers,
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


def _run(args: argparse.Namespace, paths: Paths) -> int:
    from orchestration.pipeline import run_pipeline

    return run_pipeline(paths, developers=args.developers, days=args.days, seed=args.seed)


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
    gen.add_argument("--start", type=date.fromisoformat, default=date(2026, 9, 1), help="first day, YYYY-MM-DD")
    gen.add_argument("--canary", default="", help="a string planted in every prompt and payload (privacy tests)")
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
    run.set_defaults(func=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = Paths.from_env()
    os.environ.setdefault(HOME_ENV_VAR, str(paths.home))
    return args.func(args, paths)


if __name__ == "__main__":
    raise SystemExit(main())

"""`ai-telemetry generate`: a sample organisation's telemetry in the real landing formats.

Deterministic from a seed: each developer is simulated from their own seeded generator, so the output
is identical whatever the number of worker processes. Files are streamed session by session; nothing
holds the dataset in memory except the small Cursor daily-usage rows.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson

from orchestration.generator import cursor, otel
from orchestration.generator.claude_code import (
    PROJECTS,
    SessionSimulator,
    client_version,
    pick_model,
    session_starts,
)
from orchestration.generator.experiments import ExperimentPlan
from orchestration.generator.incidents import RAMP_DAYS, USUAL, Plan, steady
from orchestration.generator.org import Developer, build_org, stable_seed, write_directory

DEFAULT_START = date(2026, 9, 1)


@dataclass(frozen=True)
class GenerateConfig:
    out: Path
    developers: int = 30
    days: int = 42
    seed: int = 7
    start: date = DEFAULT_START
    canary: str = ""  # planted in prompts, assistant text and tool payloads for privacy tests
    workers: int = 0  # 0: one per core
    plant_alerts: bool = False  # one incident per alert kind at known dates (generator/incidents.py)
    plant_experiments: bool = False  # the seed's two experiments over the last 28 days (generator/experiments.py)


@dataclass
class GenerateSummary:
    files: Counter
    lines: Counter
    developers: int

    def describe(self) -> str:
        # Lines of the line-based files; records of the JSON exports (cursor_daily_usage).
        parts = [f"{self.lines[k]:,} {k} lines in {self.files[k]:,} files" for k in sorted(self.files)]
        return f"{self.developers} developers: " + "; ".join(parts)


def encode_project_dir(cwd: str) -> str:
    """Claude Code names a project folder after its working directory, '/' and '.' turned into '-'."""
    return cwd.replace("/", "-").replace(".", "-")


def _write_jsonl(path: Path, records: list[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return len(records)


def _active_today(rng: random.Random, dev: Developer, day: int, ramp_days: float, weekday: int) -> bool:
    """Adoption grows: a developer starts on their adoption day and uses the tools more each week."""
    if dev.seat_unused or day < dev.adoption_day:
        return False
    ramp = min(1.0, 0.35 + 0.65 * (day - dev.adoption_day) / max(1.0, ramp_days))
    return rng.random() < ramp * (0.12 if weekday >= 5 else 0.85)


def _simulate_developer(
    args: tuple[Developer, GenerateConfig, Plan | None, ExperimentPlan | None],
) -> tuple[list[dict], Counter, Counter]:
    dev, cfg, plan, experiments = args
    rng = random.Random(stable_seed(cfg.seed, "developer", dev.index))
    files: Counter = Counter()
    lines: Counter = Counter()
    cursor_rows: list[dict] = []
    root = cfg.out / "claude_code" / dev.handle / "projects"
    otel_dir = cfg.out / "otel" / dev.handle
    projects = rng.sample(PROJECTS, k=rng.randint(1, 3))
    simulator = SessionSimulator(rng, dev, canary=cfg.canary)
    logs_file = metrics_file = events_file = None
    events_writer = None
    sequence = 0
    ramp_days = RAMP_DAYS if plan else cfg.days * 0.5
    try:
        for day in range(cfg.days):
            day_start = datetime.combine(cfg.start + timedelta(days=day), datetime.min.time(), tzinfo=UTC)
            active = _active_today(rng, dev, day, ramp_days, day_start.weekday())
            # With planted incidents, the first session is on the adoption day: a cohort is who adopted then.
            if not (active or (plan and day == dev.adoption_day and not dev.seat_unused)):
                continue
            today = plan.conditions(dev, day_start.date()) if plan else USUAL
            if experiments:
                today = experiments.conditions(dev, day_start.date(), today)
            if dev.uses_claude_code:
                n_sessions = max(1, int(rng.expovariate(1 / (2.2 * dev.activity))))
                simulator.conditions = today
                for start in sorted(session_starts(rng, dev, day_start, n_sessions)):
                    version = client_version(dev, day, cfg.days)
                    model = pick_model(rng)
                    abandon = 0.12 if today.abandon_probability is None else today.abandon_probability
                    session = simulator.run(
                        start, version, today.model or model, rng.choice(projects), abandoned=rng.random() < abandon
                    )
                    project_dir = root / encode_project_dir(simulator.base["cwd"])
                    lines["claude_code"] += _write_jsonl(
                        project_dir / f"{simulator.session_id}.jsonl", session.transcript
                    )
                    files["claude_code"] += 1
                    for agent_id, agent_lines in session.subagents.items():
                        # 2.1+ keeps subagents under <session>/subagents/; older clients beside the session.
                        sub_dir = project_dir / simulator.session_id / "subagents" if version >= "2.1" else project_dir
                        lines["claude_code"] += _write_jsonl(sub_dir / f"agent-{agent_id}.jsonl", agent_lines)
                        files["claude_code"] += 1
                    if dev.exports_otel:
                        if logs_file is None:
                            otel_dir.mkdir(parents=True, exist_ok=True)
                            logs_file = (otel_dir / "logs.jsonl").open("wb")
                            metrics_file = (otel_dir / "metrics.jsonl").open("wb")
                            files["otel"] += 2
                        for batch in session.otel_events:
                            if batch:
                                logs_file.write(
                                    orjson.dumps(otel.logs_line(dev, version, batch, sequence, rng)) + b"\n"
                                )
                                sequence += len(batch)
                                lines["otel"] += 1
                        metrics_file.write(
                            orjson.dumps(
                                otel.metrics_line(
                                    dev,
                                    version,
                                    simulator.session_id,
                                    model,
                                    start,
                                    session.end,
                                    session.metrics,
                                    rng,
                                )
                            )
                            + b"\n"
                        )
                        lines["otel"] += 1
            if dev.uses_cursor:
                intensity = dev.activity * (1.4 if dev.tools == "cursor" else 0.8)
                row = cursor.daily_usage_row(dev, day_start, intensity, rng)
                if today.reject_edits:
                    row.update(totalAccepts=0, totalRejects=row["totalApplies"], acceptedLinesAdded=0)
                cursor_rows.append(row)
                if events_file is None:
                    path = cfg.out / "cursor" / "usage_events" / f"usage-events-{dev.handle}.csv"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    events_file = path.open("w", newline="", encoding="utf-8")
                    events_writer = csv.writer(events_file, lineterminator="\n")
                    events_writer.writerow(cursor.USAGE_EVENT_COLUMNS)
                    files["cursor_usage_events"] += 1
                    lines["cursor_usage_events"] += 1
                n = max(1, int(rng.expovariate(1 / (12 * intensity))))
                lines["cursor_usage_events"] += cursor.write_usage_events(
                    events_writer, dev, day_start, n, rng, today.token_multiplier
                )
    finally:
        for handle in (logs_file, metrics_file, events_file):
            if handle is not None:
                handle.close()
    return cursor_rows, files, lines


def generate(cfg: GenerateConfig) -> GenerateSummary:
    cfg.out.mkdir(parents=True, exist_ok=True)
    developers = build_org(cfg.developers, cfg.days, cfg.seed)
    write_directory(developers, cfg.out / "org" / "directory.csv")
    files: Counter = Counter(org_directory=1)
    lines: Counter = Counter(org_directory=len(developers) + 1)
    cursor_rows: list[dict] = []
    plan = Plan.for_sample(cfg.start, cfg.days, developers) if cfg.plant_alerts else None
    if plan:
        developers = steady(developers, cfg.days)
    experiments = (
        ExperimentPlan.for_sample(cfg.start, cfg.days, developers, cfg.seed) if cfg.plant_experiments else None
    )
    if experiments:
        lines["experiment_assignments"] = experiments.write_assignments(
            developers, cfg.out / "experiments" / "assignments.csv"
        )
        files["experiment_assignments"] = 1
    jobs = [(dev, cfg, plan, experiments) for dev in developers]
    workers = cfg.workers or None
    if workers == 1:
        results = map(_simulate_developer, jobs)
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_simulate_developer, jobs, chunksize=1)
    for rows, dev_files, dev_lines in results:
        cursor_rows.extend(rows)
        files.update(dev_files)
        lines.update(dev_lines)
    if workers != 1:
        pool.shutdown()
    # The Admin API serves at most 30 days per request: one export file per window.
    window = 30
    for offset in range(0, cfg.days, window):
        start = datetime.combine(cfg.start + timedelta(days=offset), datetime.min.time(), tzinfo=UTC)
        end = start + timedelta(days=min(window, cfg.days - offset))
        rows = [r for r in cursor_rows if cursor.epoch_ms(start) <= r["date"] < cursor.epoch_ms(end)]
        path = cfg.out / "cursor" / "daily_usage" / f"daily-usage-{start:%Y%m%d}-{end:%Y%m%d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            cursor.write_daily_usage(sorted(rows, key=lambda r: (r["date"], r["email"])), start, end, handle)
        files["cursor_daily_usage"] += 1
        lines["cursor_daily_usage"] += len(rows)
    return GenerateSummary(files=files, lines=lines, developers=len(developers))

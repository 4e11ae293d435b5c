"""Cursor team exports: the Admin API daily-usage JSON and the dashboard's usage-events CSV."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from typing import IO

import orjson

from orchestration.generator.org import Developer

CURSOR_MODELS = ["claude-4.5-sonnet", "gpt-5", "auto", "claude-4.5-opus", "composer-1"]
USAGE_EVENT_COLUMNS = [
    "Date",
    "User",
    "Kind",
    "Model",
    "Max Mode",
    "Input (w/ Cache Write)",
    "Input (w/o Cache Write)",
    "Cache Read",
    "Output Tokens",
    "Total Tokens",
    "Cost",
]


def epoch_ms(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


def daily_usage_row(dev: Developer, day: datetime, intensity: float, rng: random.Random) -> dict:
    """One `data[]` row of POST /teams/daily-usage-data for a developer's active day."""
    tabs_shown = int(rng.uniform(40, 400) * intensity)
    lines_added = int(rng.uniform(20, 900) * intensity)
    applies = rng.randint(0, 30)
    accepts = int(applies * rng.uniform(0.5, 0.95))
    return {
        "date": epoch_ms(day),
        "isActive": True,
        "totalLinesAdded": lines_added,
        "totalLinesDeleted": int(lines_added * rng.uniform(0.1, 0.5)),
        "acceptedLinesAdded": int(lines_added * rng.uniform(0.3, 0.8)),
        "acceptedLinesDeleted": int(lines_added * rng.uniform(0.05, 0.2)),
        "totalApplies": applies,
        "totalAccepts": accepts,
        "totalRejects": applies - accepts,
        "totalTabsShown": tabs_shown,
        "totalTabsAccepted": int(tabs_shown * rng.uniform(0.15, 0.45)),
        "composerRequests": rng.randint(0, 25),
        "chatRequests": rng.randint(0, 30),
        "agentRequests": rng.randint(0, 40),
        "cmdkUsages": rng.randint(0, 15),
        "subscriptionIncludedReqs": rng.randint(0, 60),
        "apiKeyReqs": 0,
        "usageBasedReqs": rng.randint(0, 10),
        "bugbotUsages": rng.randint(0, 3),
        "mostUsedModel": rng.choice(CURSOR_MODELS),
        "applyMostUsedExtension": rng.choice([".py", ".ts", ".tsx", ".go"]),
        "tabMostUsedExtension": rng.choice([".py", ".ts", ".tsx", ".go"]),
        "clientVersion": rng.choice(["1.7.46", "2.0.77", "2.1.20"]),
        "email": dev.cursor_email,
    }


def write_usage_events(
    writer: csv.writer, dev: Developer, day: datetime, n: int, rng: random.Random, token_multiplier: float = 1.0
) -> int:
    for _ in range(n):
        ts = day + timedelta(hours=min(23, max(0, int(rng.gauss(dev.peak_hour, 2)))), minutes=rng.randint(0, 59))
        errored = rng.random() < dev.error_rate / 2
        # A planted incident's factor scales the tokens only, so the random stream is the same either way.
        cache_write = int(rng.randint(0, 20000) * token_multiplier)
        fresh = int(rng.randint(500, 30000) * token_multiplier)
        cache_read = int(rng.randint(0, 200000) * token_multiplier)
        output = int(rng.randint(50, 6000) * token_multiplier)
        cost = 0.0 if errored else (fresh * 3 + cache_write * 3.75 + cache_read * 0.3 + output * 15) / 1e6
        writer.writerow(
            [
                ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randint(0, 999):03d}Z",
                dev.cursor_email,
                "Errored, Not Charged" if errored else rng.choice(["Included in Business", "Usage-based"]),
                rng.choice(CURSOR_MODELS),
                "Yes" if rng.random() < 0.1 else "No",
                fresh + cache_write,
                fresh,
                cache_read,
                output,
                fresh + cache_write + cache_read + output,
                f"${cost:.2f}" if cost else "Included",
            ]
        )
    return n


def write_daily_usage(rows: list[dict], start: datetime, end: datetime, out: IO[bytes]) -> None:
    out.write(orjson.dumps({"data": rows, "period": {"startDate": epoch_ms(start), "endDate": epoch_ms(end)}}))

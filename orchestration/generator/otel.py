"""OTLP/JSON lines as the OpenTelemetry collector's file exporter writes them for Claude Code.

Each line is one export request: ``{"resourceLogs": [...]}`` for events or ``{"resourceMetrics": [...]}``
for metrics. Attribute values arrive as ``stringValue``, ``intValue`` (a string, as proto3 JSON encodes
int64, or sometimes a bare number) or ``doubleValue``.
"""

from __future__ import annotations

import random
from datetime import datetime

from orchestration.generator.org import Developer

ORGANIZATION_ID = "5f0c1a52-7d0e-4c61-9d3b-2a1e0b7c9e11"


def nanos(ts: datetime) -> str:
    return str(int(ts.timestamp() * 1_000_000) * 1000)


def any_value(value: object, rng: random.Random) -> dict:
    if isinstance(value, bool):
        return {"stringValue": "true" if value else "false"}
    if isinstance(value, int):
        return {"intValue": str(value) if rng.random() < 0.7 else value}
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def attributes(values: dict[str, object], rng: random.Random) -> list[dict]:
    return [{"key": k, "value": any_value(v, rng)} for k, v in values.items()]


def resource(dev: Developer, version: str, rng: random.Random) -> dict:
    return {
        "attributes": attributes(
            {"service.name": "claude-code", "service.version": version, "os.type": "linux", "host.arch": "amd64"},
            rng,
        )
    }


def _identity(dev: Developer, session_id: str) -> dict[str, object]:
    return {
        "user.id": dev.anonymous_id,
        "session.id": session_id,
        "organization.id": ORGANIZATION_ID,
        "user.email": dev.primary_email,
        "user.account_uuid": dev.account_uuid,
        "terminal.type": "vscode" if dev.index % 3 == 0 else "xterm-256color",
    }


def logs_line(dev: Developer, version: str, events: list[dict], sequence: int, rng: random.Random) -> dict:
    records = []
    for offset, event in enumerate(events):
        attrs = {
            **_identity(dev, event["session_id"]),
            "event.name": event["name"].removeprefix("claude_code."),
            "event.timestamp": event["time"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "event.sequence": sequence + offset,
            **event["attrs"],
        }
        if not dev.logs_prompts:
            attrs.pop("prompt", None)
        records.append(
            {
                "timeUnixNano": nanos(event["time"]),
                "observedTimeUnixNano": nanos(event["time"]),
                "severityNumber": 9,
                "severityText": "INFO",
                "body": {"stringValue": event["name"]},
                "attributes": attributes(attrs, rng),
                "droppedAttributesCount": 0,
            }
        )
    return {
        "resourceLogs": [
            {
                "resource": resource(dev, version, rng),
                "scopeLogs": [
                    {"scope": {"name": "com.anthropic.claude_code.events", "version": version}, "logRecords": records}
                ],
            }
        ]
    }


def metrics_line(
    dev: Developer,
    version: str,
    session_id: str,
    model: str,
    start: datetime,
    end: datetime,
    totals: dict[str, float],
    rng: random.Random,
) -> dict:
    """Delta sums for one session, exported when the session ends."""
    ident = _identity(dev, session_id)

    def point(value: float, extra: dict[str, object], *, as_double: bool = False) -> dict:
        p = {
            "attributes": attributes({**ident, **extra}, rng),
            "startTimeUnixNano": nanos(start),
            "timeUnixNano": nanos(end),
        }
        if as_double:
            p["asDouble"] = round(value, 6)
        else:
            p["asInt"] = str(int(value))
        return p

    def metric(name: str, unit: str, points: list[dict]) -> dict:
        return {
            "name": name,
            "unit": unit,
            "sum": {"dataPoints": points, "aggregationTemporality": 1, "isMonotonic": True},
        }

    metrics = [
        metric("claude_code.session.count", "count", [point(1, {})]),
        metric(
            "claude_code.token.usage",
            "tokens",
            [
                point(totals[kind], {"type": kind, "model": model}, as_double=True)
                for kind in ("input", "output", "cacheRead", "cacheCreation")
            ],
        ),
        metric("claude_code.cost.usage", "USD", [point(totals["cost"], {"model": model}, as_double=True)]),
        metric(
            "claude_code.lines_of_code.count",
            "count",
            [point(totals["added"], {"type": "added"}), point(totals["removed"], {"type": "removed"})],
        ),
        metric("claude_code.active_time.total", "s", [point(totals["active_seconds"], {}, as_double=True)]),
    ]
    if totals["commits"]:
        metrics.append(metric("claude_code.commit.count", "count", [point(totals["commits"], {})]))
    if totals["prs"]:
        metrics.append(metric("claude_code.pull_request.count", "count", [point(totals["prs"], {})]))
    decisions = [
        point(totals[k], {"tool": "Edit", "decision": d, "language": "Python"})
        for k, d in (("accepts", "accept"), ("rejects", "reject"))
        if totals[k]
    ]
    if decisions:
        metrics.append(metric("claude_code.code_edit_tool.decision", "count", decisions))
    return {
        "resourceMetrics": [
            {
                "resource": resource(dev, version, rng),
                "scopeMetrics": [
                    {"scope": {"name": "com.anthropic.claude_code", "version": version}, "metrics": metrics}
                ],
            }
        ]
    }

"""Alert delivery: the alerts marts of the published files, sent once to each configured channel.

An alert is identified by its `alert_key` (kind, metric, segment, period). Delivery keeps a state file under
`$AI_TELEMETRY_HOME/alerts/`: when each key was first seen, which channels have it, and when it resolved
(gone from the latest publish). A channel that fails keeps the alert pending, so the next tick tries again:
nothing is lost, and nothing a channel acknowledged is sent to it twice.

Channels are configured in `$AI_TELEMETRY_HOME/alerts.json`:

    {"channels": [{"kind": "jsonl", "path": "alerts/alerts.jsonl"},
                  {"kind": "webhook", "url": "https://hooks.slack.com/services/..."}]}

Without that file, alerts go to `alerts/alerts.jsonl` only.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.paths import Paths
from orchestration.state_files import write_state

# The published file and table each audience's alerts are read from.
ALERT_TABLES = {
    "org": ("org.duckdb", "org_alerts"),
    "platform": ("platform.duckdb", "platform_alerts"),
    "product": ("product.duckdb", "product_alerts"),
    "team": ("teams/*.duckdb", "team_alerts"),  # one file per team: each team lead's own alerts
}
# Attempts per tick for a webhook, with the pause before each retry.
WEBHOOK_RETRIES = (0.5, 1.0)


@dataclass(frozen=True)
class Channel:
    kind: str  # jsonl | webhook
    target: str  # a path or a URL

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.target}"


@dataclass
class Delivery:
    opened: int = 0
    resolved: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        sent = ", ".join(f"{n} to {c}" for c, n in self.sent.items()) or "nothing"
        pending = ", ".join(f"{n} for {c}" for c, n in self.pending.items())
        return f"{self.opened} new, {self.resolved} resolved; sent {sent}" + (f"; pending {pending}" if pending else "")


def alerts_folder(paths: Paths) -> Path:
    return paths.home / "alerts"


def channels(paths: Paths) -> list[Channel]:
    config = paths.home / "alerts.json"
    if not config.exists():
        return [Channel("jsonl", str(alerts_folder(paths) / "alerts.jsonl"))]
    found = []
    for entry in json.loads(config.read_text())["channels"]:
        if entry["kind"] == "jsonl":
            path = Path(entry["path"])
            found.append(Channel("jsonl", str(path if path.is_absolute() else paths.home / path)))
        elif entry["kind"] == "webhook":
            found.append(Channel("webhook", entry["url"]))
        else:
            raise ValueError(f"{config}: unknown channel kind {entry['kind']!r} (jsonl or webhook)")
    return found


def current_alerts(paths: Paths) -> dict[str, dict]:
    """Every alert of the latest publish, by key, with its audience."""
    found: dict[str, dict] = {}
    for audience, (pattern, table) in ALERT_TABLES.items():
        for path in sorted(paths.published.glob(pattern)):
            found.update(_alerts_of(path, table, audience))
    return found


def _alerts_of(path: Path, table: str, audience: str) -> dict[str, dict]:
    """One published file's alerts. A file published before its audience had alerts has none to send."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        known = con.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchone()
        if not known[0]:
            return {}
        cursor = con.execute(f'select * from "{table}" order by period_start, alert_key')  # noqa: S608
        names = [d[0] for d in cursor.description]
        found = {}
        for row in cursor.fetchall():
            alert = dict(zip(names, row, strict=True))
            alert["period_start"] = alert["period_start"].isoformat()
            found[alert["alert_key"]] = {"audience": audience, **alert}
        return found
    finally:
        con.close()


def message(event: str, alert: dict) -> dict:
    """A Slack-compatible payload (text and an attachment), carrying the alert itself for other receivers."""
    band = f"[{_number(alert.get('band_low'))}, {_number(alert.get('band_high'))}]"
    text = (
        f"{'Resolved' if event == 'resolved' else alert['severity'].capitalize()}: {alert['metric']} "
        f"{alert['kind']} for {alert['segment_type']} {alert['segment_value']} on {alert['period_start']}: "
        f"{_number(alert['observed'])} (expected {_number(alert['expected'])}, band {band})"
    )
    color = {"critical": "danger", "warning": "warning"}.get(alert["severity"], "good")
    return {
        "text": text,
        "attachments": [{"color": "good" if event == "resolved" else color, "text": f"See {alert['drilldown']}"}],
        "event": event,
        "alert": alert,
    }


def _number(value: object) -> str:
    return "-" if value is None else f"{value:,.4g}"


def send(channel: Channel, payload: dict) -> bool:
    if channel.kind == "jsonl":
        path = Path(channel.target)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as out:
            out.write(json.dumps(payload, sort_keys=True) + "\n")
        return True
    body = json.dumps(payload).encode()
    for pause in (0.0, *WEBHOOK_RETRIES):
        time.sleep(pause)
        request = urllib.request.Request(channel.target, body, {"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if 200 <= response.status < 300:
                    return True
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            continue
    return False


def deliver(paths: Paths, now: datetime | None = None) -> Delivery:
    """One tick: record new and resolved alerts, then send every pending message to every channel."""
    now = now or datetime.now(UTC)
    folder = alerts_folder(paths)
    folder.mkdir(parents=True, exist_ok=True)
    state_path = folder / "state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    current = current_alerts(paths)
    result = Delivery()
    for key, alert in current.items():
        entry = state.get(key)
        if entry is None or entry.get("resolved_at"):
            # New, or back after it resolved: a new opening, sent again.
            state[key] = {"alert": alert, "first_seen": now.isoformat(), "resolved_at": None, "sent": {}}
            result.opened += 1
    for key, entry in state.items():
        if key not in current and not entry.get("resolved_at"):
            entry["resolved_at"] = now.isoformat()
            result.resolved += 1
    write_state(state_path, state)
    for channel in channels(paths):
        for entry in state.values():
            events = ["opened"] + (["resolved"] if entry.get("resolved_at") else [])
            for event in events:
                sent_key = f"{event}:{channel.name}"
                if sent_key in entry["sent"]:
                    continue
                if send(channel, message(event, {**entry["alert"], "first_seen": entry["first_seen"]})):
                    entry["sent"][sent_key] = now.isoformat()
                    # Saved at once: a crash after a send must not send it again.
                    write_state(state_path, state)
                    result.sent[channel.name] = result.sent.get(channel.name, 0) + 1
                else:
                    result.pending[channel.name] = result.pending.get(channel.name, 0) + 1
    return result

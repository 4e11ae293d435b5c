"""Where reports go: every report is written under `$AI_TELEMETRY_HOME/reports/`; e-mails are also sent
through the SMTP server `$AI_TELEMETRY_HOME/reports.json` names:

    {"smtp": {"host": "127.0.0.1", "port": 25, "sender": "ai-telemetry@example.com",
              "starttls": false, "username": null, "password_env": null},
     "team_recipients": {"mobile": ["lead@example.com"]}}

The password, when the server needs one, is read from the environment variable `password_env` names, never
from the file.
"""

from __future__ import annotations

import json
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from orchestration.paths import Paths

CONFIG_FILE = "reports.json"


class DeliveryError(Exception):
    """A report that cannot be sent (no configuration, no recipient, the server refused); says why."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None


@dataclass(frozen=True)
class ReportConfig:
    smtp: Smtp | None
    team_recipients: dict[str, list[str]]


def config(paths: Paths) -> ReportConfig:
    path = paths.home / CONFIG_FILE
    if not path.exists():
        return ReportConfig(None, {})
    try:
        raw = json.loads(path.read_text())
        smtp = Smtp(**raw["smtp"]) if raw.get("smtp") else None
    except (json.JSONDecodeError, TypeError, KeyError) as error:
        raise DeliveryError(f"{path} is not a valid reports configuration: {error}") from error
    return ReportConfig(smtp, {team: list(to) for team, to in raw.get("team_recipients", {}).items()})


def reports_folder(paths: Paths, kind: str) -> Path:
    folder = paths.home / "reports" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def send(message: EmailMessage, smtp: Smtp) -> None:
    """Hands the message to the SMTP server; raises DeliveryError when it is refused or unreachable."""
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.username:
                server.login(smtp.username, os.environ.get(smtp.password_env or "", ""))
            refused = server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP {smtp.host}:{smtp.port} did not take the report: {error}") from error
    if refused:
        raise DeliveryError(f"SMTP {smtp.host}:{smtp.port} refused recipients: {sorted(refused)}")

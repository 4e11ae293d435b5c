"""A new Claude Code session written the way Claude Code writes one (a prompt, the model's thinking and its
answer, three JSONL lines stamped now), for measuring how fast a new line reaches its developer's published
file (`ai-telemetry bench`, tests)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def append_new_session(project_folder: Path, model: str = "claude-sonnet-4-5-20250929", output_tokens: int = 60) -> str:
    """Writes a new session file into a developer's project folder; returns its session id."""
    session_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    base = {"isSidechain": False, "userType": "external", "cwd": "/home/dev/src/app", "sessionId": session_id,
            "version": "2.1.39", "gitBranch": "main"}  # fmt: skip
    prompt_uuid, thinking_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    message_id, request_id = f"msg_{uuid.uuid4().hex[:24]}", f"req_{uuid.uuid4().hex[:24]}"
    usage = {"input_tokens": 12, "cache_creation_input_tokens": 800, "cache_read_input_tokens": 14000,
             "output_tokens": output_tokens}  # fmt: skip
    lines = [
        {**base, "parentUuid": None, "type": "user", "uuid": prompt_uuid, "timestamp": _stamp(now),
         "message": {"role": "user", "content": "Why does the build fail?"}},
        {**base, "parentUuid": prompt_uuid, "type": "assistant", "uuid": thinking_uuid, "timestamp": _stamp(now),
         "requestId": request_id, "message": {"model": model, "id": message_id, "type": "message",
         "role": "assistant", "content": [{"type": "thinking", "thinking": "Reading the log", "signature": "x"}],
         "stop_reason": None, "stop_sequence": None, "usage": usage}},
        {**base, "parentUuid": thinking_uuid, "type": "assistant", "uuid": str(uuid.uuid4()), "timestamp": _stamp(now),
         "requestId": request_id, "message": {"model": model, "id": message_id, "type": "message",
         "role": "assistant", "content": [{"type": "text", "text": "A missing import."}], "stop_reason": "end_turn",
         "stop_sequence": None, "usage": usage}},
    ]  # fmt: skip
    (project_folder / f"{session_id}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return session_id

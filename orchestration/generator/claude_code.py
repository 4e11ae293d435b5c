"""Claude Code session transcripts in the format Claude Code writes under ``~/.claude/projects``.

One session is simulated at a time and streamed to disk. The same simulation yields the OpenTelemetry
events and metric points of that session, so the two sources agree the way they do in the field.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from orchestration.generator.incidents import USUAL
from orchestration.generator.org import Developer, rng_uuid

# Client releases, oldest first; a developer runs the newest minus their lag. 2.1+ writes subagents
# under <session>/subagents/, older clients beside the session file.
CLIENT_VERSIONS = ["1.0.108", "2.0.37", "2.0.76", "2.1.3", "2.1.12", "2.1.27"]
MODELS = [
    ("claude-sonnet-4-5-20250929", 6),
    ("claude-opus-4-5-20251101", 2),
    ("claude-haiku-4-5-20251001", 2),
    ("claude-sonnet-4-20250514", 1),
]
TOOLS = [
    ("Read", 30),
    ("Edit", 18),
    ("Bash", 16),
    ("Grep", 10),
    ("Glob", 6),
    ("Write", 5),
    ("TodoWrite", 6),
    ("MultiEdit", 3),
    ("WebFetch", 2),
    ("Task", 2),
]
PROJECTS = ["web-app", "api-server", "ml-pipeline", "mobile-client", "infra-terraform", "docs-site"]
BRANCHES = ["main", "main", "feature/search-filters", "fix/login-timeout", "chore/deps", "feat/payments-v2"]
PROMPTS = [
    "Add pagination to the orders endpoint and update the tests",
    "Why does the login test fail intermittently on CI?",
    "Refactor the payment service to use the new client",
    "Write a migration that adds an index on events.created_at",
    "Explain what this module does",
    "Fix the type errors in src/components",
]
REJECTED = "The user doesn't want to proceed with this tool use. The tool use was rejected."


@dataclass
class SessionOutput:
    """Everything one simulated session produced, in write order."""

    transcript: list[dict] = field(default_factory=list)
    subagents: dict[str, list[dict]] = field(default_factory=dict)
    otel_events: list[list[dict]] = field(default_factory=list)  # one export batch per prompt turn
    metrics: dict[str, float] = field(default_factory=dict)
    end: datetime | None = None


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def client_version(dev: Developer, day: int, days: int) -> str:
    # Releases arrive over the period: the newest available grows with the day.
    newest = min(len(CLIENT_VERSIONS) - 1, 2 + (day * 4) // max(days, 1))
    return CLIENT_VERSIONS[max(0, newest - dev.client_lag)]


class SessionSimulator:
    """Simulates one Claude Code session: prompts, API responses, tool calls, failures and retries."""

    def __init__(self, rng: random.Random, dev: Developer, *, canary: str = "") -> None:
        self.rng = rng
        self.dev = dev
        self.canary = canary
        self.conditions = USUAL  # a planted incident's changes (generator/incidents.py)

    def _text(self, base: str) -> str:
        return f"{base} {self.canary}".strip() if self.canary else base

    def _ids(self, prefix: str) -> str:
        return prefix + "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789", k=24))

    def run(self, start: datetime, version: str, model: str, project: str, *, abandoned: bool) -> SessionOutput:
        rng = self.rng
        out = SessionOutput()
        session_id = rng_uuid(rng)
        self.session_id = session_id
        self.base = {
            "parentUuid": None,
            "isSidechain": False,
            "userType": "external",
            "cwd": f"/home/{self.dev.handle}/src/{project}",
            "sessionId": session_id,
            "version": version,
            "gitBranch": rng.choice(BRANCHES),
        }
        self.version = version
        self.model = model
        self.now = start
        self.parent: str | None = None
        self.cache = rng.randint(8000, 20000)
        metrics = out.metrics
        for key in (
            "input",
            "output",
            "cacheRead",
            "cacheCreation",
            "cost",
            "added",
            "removed",
            "commits",
            "prs",
            "accepts",
            "rejects",
            "active_seconds",
        ):
            metrics[key] = 0.0
        if version >= "2.1":
            out.transcript.append(
                {
                    "type": "file-history-snapshot",
                    "messageId": rng_uuid(rng),
                    "snapshot": {"messageId": rng_uuid(rng), "trackedFileBackups": {}, "timestamp": iso(start)},
                    "isSnapshotUpdate": False,
                }
            )
        n_prompts = 1 if abandoned else 1 + min(int(rng.expovariate(0.45)), 9)
        for turn in range(n_prompts):
            out.otel_events.append(self._prompt_turn(out, turn, abandoned=abandoned))
            self.now += timedelta(seconds=rng.randint(20, 400))
        if not abandoned and rng.random() < 0.3:
            out.transcript.append(
                {"type": "summary", "summary": self._text("Implemented the requested change"), "leafUuid": self.parent}
            )
        metrics["active_seconds"] = (self.now - start).total_seconds() * 0.6
        out.end = self.now
        return out

    def _line(self, kind: str, **extra: object) -> dict:
        uid = rng_uuid(self.rng)
        record = {
            **self.base,
            "parentUuid": self.parent,
            "type": kind,
            "uuid": uid,
            "timestamp": iso(self.now),
            **extra,
        }
        self.parent = uid
        return record

    def _event(self, name: str, attrs: dict[str, object]) -> dict:
        return {"name": name, "time": self.now, "session_id": self.session_id, "attrs": attrs}

    def _prompt_turn(self, out: SessionOutput, turn: int, *, abandoned: bool) -> list[dict]:
        rng = self.rng
        events: list[dict] = []
        prompt = self._text(rng.choice(PROMPTS))
        out.transcript.append(self._line("user", message={"role": "user", "content": prompt}))
        events.append(self._event("claude_code.user_prompt", {"prompt_length": len(prompt), "prompt": prompt}))
        steps = 1 if abandoned else rng.randint(1, 6)
        last_failed: str | None = None
        for step in range(steps):
            final = step == steps - 1
            tool = None if final else (last_failed or rng.choices([t for t, _ in TOOLS], [w for _, w in TOOLS])[0])
            if abandoned and rng.random() < 0.5:
                out.transcript.append(
                    self._line(
                        "system",
                        subtype="api_error",
                        level="error",
                        content=self._text("API Error: Request timed out."),
                        isMeta=False,
                    )
                )
                events.append(
                    self._event(
                        "claude_code.api_error",
                        {"model": self.model, "status_code": "529", "error": "Overloaded", "attempt": 1},
                    )
                )
                return events
            last_failed = self._api_request(out, events, tool, final=final)
            if final and turn == 0 and step == 0 and self.version >= "2.0" and rng.random() < 0.2:
                out.transcript.append(
                    self._line(
                        "progress",
                        data={"type": "hook_progress", "hookEvent": "Stop", "command": self._text("./lint.sh")},
                        toolUseID=self._ids("toolu_"),
                    )
                )
        if not abandoned and rng.random() < 0.25:
            self._commit(out, events)
        return events

    def _usage(self, output_tokens: int) -> dict:
        rng = self.rng
        creation = rng.randint(0, 3000)
        usage = {
            "input_tokens": rng.randint(1, 12),
            "cache_creation_input_tokens": creation,
            "cache_read_input_tokens": self.cache,
            "cache_creation": {"ephemeral_5m_input_tokens": creation, "ephemeral_1h_input_tokens": 0},
            "output_tokens": output_tokens,
            "service_tier": "standard",
        }
        self.cache += creation
        factor = self.conditions.token_multiplier
        if factor != 1.0:  # a planted incident: the same turn, more tokens
            for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"):
                usage[key] = int(usage[key] * factor)
        return usage

    def _api_request(self, out: SessionOutput, events: list[dict], tool: str | None, *, final: bool) -> str | None:
        """One API response written as several lines sharing message.id and requestId."""
        rng = self.rng
        message_id, request_id = self._ids("msg_01"), self._ids("req_011C")
        blocks: list[dict] = []
        if rng.random() < 0.4:
            blocks.append(
                {
                    "type": "thinking",
                    "thinking": self._text("Let me look at the failing code path"),
                    "signature": self._ids("sig"),
                }
            )
        blocks.append({"type": "text", "text": self._text("I'll take a look at that.")})
        tool_id = self._ids("toolu_01")
        if tool:
            blocks.append({"type": "tool_use", "id": tool_id, "name": tool, "input": self._tool_input(tool)})
        usage = self._usage(rng.randint(30, 1800))
        final_output = usage["output_tokens"]  # with a planted factor applied
        # 2.1.x repeats usage on every line with output_tokens growing; older clients repeat the final value.
        for i, block in enumerate(blocks):
            grown = max(1, final_output * (i + 1) // len(blocks)) if self.version >= "2.1" else final_output
            message = {
                "model": self.model,
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "content": [block],
                "stop_reason": None if i < len(blocks) - 1 else "end_turn",
                "stop_sequence": None,
                "usage": {**usage, "output_tokens": grown},
            }
            out.transcript.append(self._line("assistant", message=message, requestId=request_id))
            self.now += timedelta(milliseconds=rng.randint(300, 4000))
        cost = self._account(out, usage)
        events.append(
            self._event(
                "claude_code.api_request",
                {
                    "model": self.model,
                    "input_tokens": usage["input_tokens"],
                    "output_tokens": final_output,
                    "cache_read_tokens": usage["cache_read_input_tokens"],
                    "cache_creation_tokens": usage["cache_creation_input_tokens"],
                    "cost_usd": round(cost, 6),
                    "duration_ms": rng.randint(800, 30000),
                    "request_id": request_id,
                },
            )
        )
        if not tool:
            return None
        return self._tool_result(out, events, tool, tool_id)

    def _account(self, out: SessionOutput, usage: dict) -> float:
        """Adds one API request's tokens and cost to the session's OTel metric totals."""
        cost = _cost(self.model, usage)
        m = out.metrics
        m["input"] += usage["input_tokens"]
        m["output"] += usage["output_tokens"]
        m["cacheRead"] += usage["cache_read_input_tokens"]
        m["cacheCreation"] += usage["cache_creation_input_tokens"]
        m["cost"] += cost
        return cost

    def _tool_input(self, tool: str) -> dict:
        rng = self.rng
        path = f"src/{rng.choice(['app', 'lib', 'api'])}/{rng.choice(['orders', 'auth', 'cart'])}.py"
        if tool == "Bash":
            return {
                "command": self._text(rng.choice(["pytest -q", "npm test", "git status", "make lint"])),
                "description": "Run the checks",
            }
        if tool in ("Edit", "MultiEdit", "Write"):
            return {"file_path": path, "old_string": self._text("def total(x):"), "new_string": "def total(x, y):"}
        if tool == "Task":
            return {
                "description": "Search the codebase",
                "prompt": self._text("Find where totals are computed"),
                "subagent_type": "Explore",
            }
        return {"file_path": path, "pattern": self._text("total")}

    def _tool_result(self, out: SessionOutput, events: list[dict], tool: str, tool_id: str) -> str | None:
        rng = self.rng
        failed = rng.random() < self.dev.error_rate
        # The draw is made whatever the conditions, so a planted incident leaves the random stream as it was.
        rejected = (
            tool in ("Edit", "MultiEdit", "Write")
            and not failed
            and (rng.random() < 0.12 or self.conditions.reject_edits)
        )
        self.now += timedelta(milliseconds=rng.randint(50, 9000))
        if rejected:
            content, result = REJECTED, "User rejected tool use"
            out.metrics["rejects"] += 1
        elif failed:
            content, result = (
                self._text("Error: command exited with code 1\nTraceback ..."),
                self._text("Error: exit 1"),
            )
        else:
            content = self._text("ok: 42 lines")
            result = self._tool_use_result(out, tool)
        block = {"tool_use_id": tool_id, "type": "tool_result", "content": content}
        if failed or rejected:
            block["is_error"] = True
        out.transcript.append(self._line("user", message={"role": "user", "content": [block]}, toolUseResult=result))
        if tool == "Task" and not failed and not rejected:
            self._subagent(out)
        if tool in ("Edit", "MultiEdit", "Write"):
            decision = "reject" if rejected else "accept"
            events.append(
                self._event(
                    "claude_code.tool_decision", {"tool_name": tool, "decision": decision, "source": "user_temporary"}
                )
            )
        events.append(
            self._event(
                "claude_code.tool_result",
                {
                    "tool_name": tool,
                    "success": "false" if (failed or rejected) else "true",
                    "duration_ms": rng.randint(5, 9000),
                    "decision": "reject" if rejected else "accept",
                    "source": "config",
                    "tool_parameters": '{"bash_command": "' + self._text("pytest") + '"}',
                    **({"error": self._text("exit 1")} if failed else {}),
                },
            )
        )
        # A failed call is retried with the same tool in the next step.
        return tool if failed and rng.random() < 0.7 else None

    def _tool_use_result(self, out: SessionOutput, tool: str) -> dict:
        rng = self.rng
        if tool in ("Edit", "MultiEdit", "Write"):
            added, removed = rng.randint(1, 40), rng.randint(0, 15)
            out.metrics["added"] += added
            out.metrics["removed"] += removed
            out.metrics["accepts"] += 1
            lines = [" " + self._text("context")] + ["-" + self._text("old")] * removed
            lines += ["+" + self._text("new")] * added
            return {
                "filePath": "src/app/orders.py",
                "oldString": self._text("a"),
                "newString": self._text("b"),
                "originalFile": self._text("def total(x): ..."),
                "userModified": False,
                "replaceAll": False,
                "structuredPatch": [
                    {"oldStart": 10, "oldLines": removed + 1, "newStart": 10, "newLines": added + 1, "lines": lines}
                ],
            }
        if tool == "Bash":
            return {"stdout": self._text("42 passed"), "stderr": "", "interrupted": False, "isImage": False}
        if tool == "Read":
            return {
                "type": "text",
                "file": {
                    "filePath": "src/app/orders.py",
                    "content": self._text("import os"),
                    "numLines": 120,
                    "startLine": 1,
                    "totalLines": 120,
                },
            }
        return {"filenames": ["src/app/orders.py"], "durationMs": rng.randint(1, 90), "numFiles": 1}

    def _commit(self, out: SessionOutput, events: list[dict]) -> None:
        """An AI-assisted commit (and sometimes a pull request) through the Bash tool."""
        rng = self.rng
        commands = ["git commit -m " + repr(self._text("Add pagination"))]
        if rng.random() < 0.4:
            commands.append("gh pr create --title " + repr(self._text("Add pagination")) + " --body ...")
        for command in commands:
            tool_id = self._ids("toolu_01")
            message = {
                "model": self.model,
                "id": self._ids("msg_01"),
                "type": "message",
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": tool_id,
                        "name": "Bash",
                        "input": {"command": command, "description": "Commit the change"},
                    }
                ],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": self._usage(rng.randint(40, 120)),
            }
            self._account(out, message["usage"])
            out.transcript.append(self._line("assistant", message=message, requestId=self._ids("req_011C")))
            self.now += timedelta(seconds=rng.randint(1, 20))
            block = {"tool_use_id": tool_id, "type": "tool_result", "content": self._text("[main 1a2b3c4] done")}
            out.transcript.append(
                self._line(
                    "user",
                    message={"role": "user", "content": [block]},
                    toolUseResult={
                        "stdout": self._text("[main 1a2b3c4]"),
                        "stderr": "",
                        "interrupted": False,
                        "isImage": False,
                    },
                )
            )
            out.metrics["prs" if command.startswith("gh pr") else "commits"] += 1

    def _subagent(self, out: SessionOutput) -> None:
        rng = self.rng
        agent_id = "".join(rng.choices("0123456789abcdef", k=8))
        lines: list[dict] = []
        parent = None
        for i in range(rng.randint(2, 5)):
            uid = rng_uuid(rng)
            kind = "user" if i % 2 == 0 else "assistant"
            message: dict = {"role": kind, "content": self._text("Search for totals")}
            extra: dict = {}
            if kind == "assistant":
                message = {
                    "model": "claude-haiku-4-5-20251001",
                    "id": self._ids("msg_01"),
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "text", "text": self._text("Found it")}],
                    "stop_reason": "end_turn",
                    "stop_sequence": None,
                    "usage": self._usage(rng.randint(20, 400)),
                }
                extra["requestId"] = self._ids("req_011C")
            lines.append(
                {
                    **self.base,
                    "isSidechain": True,
                    "agentId": agent_id,
                    "parentUuid": parent,
                    "type": kind,
                    "message": message,
                    "uuid": uid,
                    "timestamp": iso(self.now),
                    **extra,
                }
            )
            parent = uid
            self.now += timedelta(seconds=rng.randint(1, 15))
        out.subagents[agent_id] = lines


# USD per million tokens (input, output, cache write 5m, cache read): list prices, used only to make the
# generated OTel cost attribute realistic. The warehouse computes cost from its own versioned seed.
PRICES = {
    "claude-sonnet-4-5-20250929": (3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4-20250514": (3.0, 15.0, 3.75, 0.30),
    "claude-opus-4-5-20251101": (5.0, 25.0, 6.25, 0.50),
    "claude-haiku-4-5-20251001": (1.0, 5.0, 1.25, 0.10),
}


def _cost(model: str, usage: dict) -> float:
    p_in, p_out, p_write, p_read = PRICES[model]
    return (
        usage["input_tokens"] * p_in
        + usage["output_tokens"] * p_out
        + usage["cache_creation_input_tokens"] * p_write
        + usage["cache_read_input_tokens"] * p_read
    ) / 1e6


def pick_model(rng: random.Random) -> str:
    return rng.choices([m for m, _ in MODELS], [w for _, w in MODELS])[0]


def session_starts(rng: random.Random, dev: Developer, day_start: datetime, n: int) -> Iterator[datetime]:
    for _ in range(n):
        hour = min(23, max(0, int(rng.gauss(dev.peak_hour, 2.5))))
        yield day_start + timedelta(hours=hour, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))

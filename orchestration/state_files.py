"""The small JSON files a data home keeps between runs (what the last passing build tested, what the fresh
path and local mode last built, whether the last run published, which alerts were sent).

Each is written whole and renamed into place, so a crash or a full disk leaves the old file or the new one,
never half of one. A state file that is missing or cannot be read as a JSON object reads as no state: every
reader then takes the longer, safer way (a build of everything with all its tests, a run that does not skip),
rather than stopping every later run on a file nobody would think to delete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_whole(path: Path, text: str) -> None:
    """Writes `text` (and a newline) to `path` whole or not at all, whoever reads it meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_suffix(f".{os.getpid()}.tmp")
    written.write_text(text + "\n")
    written.replace(path)


def write_state(path: Path, state: dict) -> None:
    write_whole(path, json.dumps(state, indent=1, sort_keys=True))


def read_state(path: Path) -> dict:
    """The state in `path`, or {} when there is none or it cannot be read as a JSON object."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):  # missing, unreadable, cut short or not JSON
        return {}
    return state if isinstance(state, dict) else {}

"""Listing landing files, with nothing heavier than the standard library (local mode's quick check uses it)."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path


def list_files(root: Path, patterns: tuple[str, ...]) -> list[str]:
    """Regular files under `root` (symlinked folders not followed) matching any pattern, as sorted path
    strings. Strings, not Paths: at 40,000 transcripts, Path objects cost a second of the load."""
    found: list[str] = []
    folders = [str(root)] if root.is_dir() else []
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.is_file() and any(fnmatch.fnmatchcase(entry.name, p) for p in patterns):
                    found.append(entry.path)
    return sorted(found)

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


PROJECT_FILES = (("models", ("*.sql", "*.yml", "*.md")), ("macros", ("*.sql",)), ("seeds", ("*.csv", "*.yml")))


def project_state(project_dir: Path) -> list[str]:
    """The dbt project's files with their modification times (and dbt_project.yml's): what a build depends on
    besides the data."""
    state = []
    for folder, patterns in PROJECT_FILES:
        for path in list_files(project_dir / folder, patterns):
            state.append(f"{path}\0{os.stat(path).st_mtime_ns}")  # noqa: PTH116 (strings, as list_files)
    project = project_dir / "dbt_project.yml"
    state.append(f"{project}\0{project.stat().st_mtime_ns}")
    return state

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


def file_states(root: Path, patterns: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """`list_files` with each file's size and modification time: what says a file changed."""
    states = {}
    for path in list_files(root, patterns):
        stat = os.stat(path)  # noqa: PTH116 (strings, not Paths: list_files' reason)
        states[path] = (stat.st_size, stat.st_mtime_ns)
    return states


PROJECT_FILES = (("models", ("*.sql", "*.yml", "*.md")), ("macros", ("*.sql",)), ("seeds", ("*.csv", "*.yml")))


def project_state(project_dir: Path) -> list[str]:
    """The dbt project's files with their modification times (and dbt_project.yml's): what a build depends on
    besides the data."""
    state = [
        f"{path}\0{mtime}"
        for folder, patterns in PROJECT_FILES
        for path, (_size, mtime) in file_states(project_dir / folder, patterns).items()
    ]
    project = project_dir / "dbt_project.yml"
    state.append(f"{project}\0{project.stat().st_mtime_ns}")
    return state

"""The landing folder against the load manifest: what the sensor and a rerun of `run` ask before doing work."""

from __future__ import annotations

import os

import duckdb

from orchestration.listing import file_states
from orchestration.loader import SOURCES
from orchestration.paths import Paths


def landing_files(paths: Paths) -> dict[str, tuple[int, int]]:
    """Every file the loader would look at, with its size and mtime (the loader's own listing)."""
    files: dict[str, tuple[int, int]] = {}
    for source in SOURCES:
        files.update(file_states(paths.landing / source.folder, source.patterns))
    return files


def landing_fingerprint(files: dict[str, tuple[int, int]]) -> str:
    """Count, total size and newest change of the landing files: changes when any file lands or grows."""
    sizes = [size for size, _ in files.values()]
    newest = max((mtime for _, mtime in files.values()), default=0)
    return f"{len(files)}:{sum(sizes)}:{newest}"


def all_loaded(paths: Paths, files: dict[str, tuple[int, int]]) -> bool | None:
    """Whether the warehouse's manifest already holds every file as it is now; None when it cannot tell (a run
    holds the warehouse open for writing)."""
    if not paths.warehouse.exists():
        return False
    try:
        con = duckdb.connect(str(paths.warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        # Paths inside the landing folder, as staging keys them: a home that moved is still loaded.
        loaded = {
            path: (size, mtime)
            for path, size, mtime in con.execute(
                "select substr(m.path, length(b.landing_dir) + 2), m.size_bytes, m.mtime_ns "
                "from raw.load_manifest as m inner join raw.load_batches as b on m.batch_id = b.batch_id "
                "qualify row_number() over (partition by m.path order by m.manifest_id desc) = 1"
            ).fetchall()
        }
    except duckdb.Error:
        return None
    finally:
        con.close()
    landing = f"{paths.landing.resolve()}{os.sep}"
    return all(loaded.get(path.removeprefix(landing)) == state for path, state in files.items())

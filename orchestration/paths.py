"""Where things live: the project, the data home and the files inside it.

Everything generated (landing files, the warehouse, published databases) lives under one folder,
``data/`` in the project by default, overridable with ``AI_TELEMETRY_HOME``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOME_ENV_VAR = "AI_TELEMETRY_HOME"
# DuckDB keeps what it reads and writes cached up to its memory limit, 80% of the machine by default: the load
# of 10M transcript lines held 9.7 GB, a dbt build at 5M 10.1 GiB. The connections that write much (the loader,
# the publisher, and dbt's through profiles/profiles.yml) set this limit instead; beyond it DuckDB evicts its
# cache and spills to disk.
DUCKDB_MEMORY_LIMIT = os.environ.get("AI_TELEMETRY_DUCKDB_MEMORY_LIMIT", "4GB")


@dataclass(frozen=True)
class Paths:
    home: Path

    @classmethod
    def from_env(cls) -> Paths:
        raw = os.environ.get(HOME_ENV_VAR)
        return cls(Path(raw).expanduser().resolve() if raw else PROJECT_DIR / "data")

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.home / "published"

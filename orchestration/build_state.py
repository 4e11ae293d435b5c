"""Recovering from a dbt build that was killed part-way.

Each model's materialisation commits on its own, so a build killed in the middle (SIGKILL, a lost machine)
leaves incremental models built by a run that never finished. Rather than trust that state, the next build
rebuilds the incremental models from scratch (`--full-refresh`); after a completed build, incremental runs
are safe again.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MARKER = "dbt_build_in_progress"


@contextmanager
def build_guard(home: Path) -> Iterator[list[str]]:
    """Yields the extra dbt arguments for this build; the marker outlives only a killed build."""
    marker = home / MARKER
    extra = ["--full-refresh"] if marker.exists() else []
    home.mkdir(parents=True, exist_ok=True)
    marker.write_text("a dbt build started and has not finished\n")
    try:
        yield extra
    finally:
        # dbt ran to its end (passed or failed): its state is consistent. SIGKILL never reaches this line.
        marker.unlink(missing_ok=True)

"""What the benchmark scripts share: their size arguments and a timed generation of the sample."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.generator import GenerateConfig, generate


def size_arguments(doc: str, developers: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--developers", type=int, default=developers)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temporary folder)")
    return parser


def timed_generate(out: Path, developers: int, days: int, workers: int = 0) -> float:
    """Generates the sample into `out`, prints what it wrote, and returns the seconds it took."""
    started = time.perf_counter()
    summary = generate(GenerateConfig(out=out, developers=developers, days=days, workers=workers))
    seconds = time.perf_counter() - started
    lines = summary.lines["claude_code"]
    print(f"generate: {summary.describe()}")
    print(f"generate: {seconds:.1f}s, {lines / seconds:,.0f} transcript lines/s")
    return seconds


@contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    """`keep` when given (the files stay), else a temporary folder removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)

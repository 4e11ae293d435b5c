"""Resident memory of this process and of every process it started (dbt, a watcher), sampled in a thread, with
the peak of each phase of a run. `getrusage` gives one peak for a whole process's life and, for children, only
the largest one's: neither says which step held the memory, nor what two processes held together."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PAGE_KIB = 4  # /proc/<pid>/statm counts pages; Linux on x86_64 and arm64 uses 4 KiB pages


@dataclass
class PhasePeak:
    """The most one phase held, in MiB: this process, its largest descendant, and all of them together."""

    own_mib: float = 0.0
    largest_child_mib: float = 0.0
    total_mib: float = 0.0
    own_at_end_mib: float = 0.0

    def take(self, own: float, children: list[float]) -> None:
        self.own_mib = max(self.own_mib, own)
        self.largest_child_mib = max([self.largest_child_mib, *children])
        self.total_mib = max(self.total_mib, own + sum(children))


def resident_mib(pid: int) -> float:
    """A process's resident memory in MiB, 0 when it has ended."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (Linux: each task's `children` file)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(children)
            stack.extend(children)
    return found


class MemoryWatch:
    """Samples every `interval` seconds while running; `phase(name)` records the peak between its start and end.
    A phase shorter than the interval is sampled at its start and end."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.phases: dict[str, PhasePeak] = {}
        self._open: list[PhasePeak] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-watch", daemon=True)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        own = resident_mib(self.pid)
        children = [resident_mib(child) for child in descendants(self.pid)]
        with self._lock:
            for peak in self._open:
                peak.take(own, children)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    @contextmanager
    def phase(self, name: str) -> Iterator[PhasePeak]:
        with self._lock:
            # A phase entered again (a bench round) keeps the most of all its times.
            peak = self.phases.setdefault(name, PhasePeak())
            self._open.append(peak)
        self.sample()
        try:
            yield peak
        finally:
            self.sample()
            with self._lock:
                self._open.remove(peak)
            peak.own_at_end_mib = resident_mib(self.pid)

"""The bench's memory figures: a phase's peak sees a child process's memory and this process's, apart, and a
phase entered again keeps the most of all its times."""

import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration.memory_watch import resident_mib

ROOT = Path(__file__).resolve().parents[1]

# Run in a process of its own: a pytest-xdist worker may still have another test's child
# processes, which are its descendants too and would count in the watched phases.
SCENARIO = """
import json, os, subprocess, sys
from orchestration.memory_watch import MemoryWatch

HOLD = "import time; block = bytearray(300 * 1024 * 1024); print('ready', flush=True); time.sleep(1.5)"
with MemoryWatch(os.getpid(), interval=0.05) as watch:
    with watch.phase("holding"):
        child = subprocess.Popen([sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        child.wait(timeout=30)
    with watch.phase("after"):
        block = bytearray(200 * 1024 * 1024)  # touched: bytearray zero-fills its pages
    del block
    with watch.phase("holding"):  # entered again, with no child: it keeps the first time's peak
        pass
print(json.dumps({name: vars(peak) for name, peak in watch.phases.items()}))
"""


def test_a_phase_peak_holds_a_childs_memory_and_the_next_phase_does_not() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCENARIO],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    phases = json.loads(done.stdout.strip().splitlines()[-1])
    holding, after = phases["holding"], phases["after"]
    assert holding["largest_child_mib"] >= 300
    assert holding["total_mib"] >= holding["own_mib"] + 300
    assert after["largest_child_mib"] == 0
    assert after["own_mib"] >= holding["own_at_end_mib"] + 190


def test_resident_memory_of_a_process_and_of_none() -> None:
    assert resident_mib(os.getpid()) > 0
    assert resident_mib(2**22 + 1) == 0  # no such process

"""The bench's memory figures: a phase's peak sees a child process's memory and this process's, apart."""

import os
import subprocess
import sys

from orchestration.memory_watch import MemoryWatch, resident_mib

HOLD = "import sys, time; block = bytearray(300 * 1024 * 1024); print('ready', flush=True); time.sleep(1.5)"


def test_a_phase_peak_holds_a_childs_memory_and_the_next_phase_does_not() -> None:
    with MemoryWatch(os.getpid(), interval=0.05) as watch:
        with watch.phase("child holds 300 MiB"):
            child = subprocess.Popen([sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True)
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            child.wait(timeout=30)
        with watch.phase("after"):
            block = bytearray(200 * 1024 * 1024)  # touched: bytearray zero-fills its pages
    holding, after = watch.phases["child holds 300 MiB"], watch.phases["after"]
    assert holding.largest_child_mib >= 300
    assert holding.total_mib >= holding.own_mib + 300
    assert after.largest_child_mib == 0
    assert after.own_mib >= holding.own_at_end_mib + 190
    assert len(block) and resident_mib(os.getpid()) > 0
    assert resident_mib(2**22 + 1) == 0  # no such process

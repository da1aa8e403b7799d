"""Where a run's time goes, from outside: every second, the CPU seconds of the run's own process and of its workers
(its descendant processes, summed, ended ones included) and their resident memory, from /proc (Linux).

    python benchmarks/run_timeline.py -- vnsumm run BIG.jsonl --lang vi --summarizer extractive --out /tmp/out

The articles' stages are where the workers' CPU grows; the store steps (grouping, story summaries, digests) run in
the run's process after them, with workers again while story summaries are selected.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def snapshot() -> dict[int, tuple[int, float, float]]:
    """Every process: parent pid, CPU seconds, resident MB."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):  # a process that just ended
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss = int((entry / "statm").read_text().split()[1]) * PAGE_MB
            found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, rss)
    return found


def main() -> None:
    command = sys.argv[1:]
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        sys.exit(__doc__)
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: dict[int, float] = {}  # CPU seconds last seen, kept after a worker ends
    peak = 0.0
    while child.poll() is None:
        processes = snapshot()
        tree, grew = {child.pid}, True
        while grew:
            more = {pid for pid, (parent, _, _) in processes.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        for pid in tree - {child.pid}:
            if pid in processes:
                workers[pid] = processes[pid][1]
        _, own_cpu, own_rss = processes.get(child.pid, (0, 0.0, 0.0))
        tree_rss = sum(processes[pid][2] for pid in tree if pid in processes)
        peak = max(peak, tree_rss)
        print(f"{time.monotonic() - start:6.1f} s  run CPU {own_cpu:6.1f} s  workers CPU {sum(workers.values()):6.1f} s"
              f"  run RSS {own_rss:5.0f} MB  all {tree_rss:5.0f} MB", flush=True)
        time.sleep(1)
    print(f"exit {child.returncode}, {time.monotonic() - start:.1f} s, peak RSS of the process tree {peak:.0f} MB")


if __name__ == "__main__":
    main()

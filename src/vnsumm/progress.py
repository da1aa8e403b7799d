"""Progress of a run on standard error, for people at a terminal and for unattended jobs' logs."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class RichProgress:
    """Progress on standard error: a bar on a terminal; without one (an unattended job's log), a line every
    `every` seconds with the rate and the time left."""

    def __init__(self, label: str, err: Console, every: float = 30.0) -> None:
        self.label, self.every, self.err = label, every, err
        self.bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=err, disable=not err.is_terminal, transient=True)
        self.task: Any = None
        self.total = self.done = 0
        self.started = self.last = 0.0

    def start(self, total: int | None) -> None:
        """`total` is an estimate from a light pass over the inputs (None: unknown, e.g. standard input)."""
        self.bar.start()
        self.task = self.bar.add_task("", total=total)
        self.total, self.started = total or 0, time.monotonic()
        self.last = self.started

    def advance(self, count: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, count)
        self.done += count
        now = time.monotonic()
        if not self.err.is_terminal and now - self.last >= self.every:
            self.last = now
            rate = self.done / max(now - self.started, 1e-9)
            if self.done < self.total:
                left = (self.total - self.done) / rate if rate else float("inf")
                self.err.print(f"{self.label}: {self.done:,} of about {self.total:,} articles ({rate:.1f}/s, "
                               f"about {left / 60:.0f} min left)", markup=False)
            else:
                self.err.print(f"{self.label}: {self.done:,} articles ({rate:.1f}/s)", markup=False)

    def stop(self) -> None:
        self.bar.stop()

"""The process runner: the per-batch stages of a plan that loads no model (the embedded extractive summarizer) run
in a small pool of worker processes (`runners.worker`), so that a bulk run uses every core.

Batches go to the least busy worker, at most IN_FLIGHT per worker ahead of the store (memory holds those, never
the run), and come back in input order. A worker's exception is raised here as the local runner would raise it;
a worker that dies ends the run with one line. On Ctrl-C or SIGTERM the parent (which alone takes them: workers
ignore SIGINT) terminates its workers, so the run stops as fast as with the local runner, with what is stored
kept. Nothing process-wide changes in the caller: workers are plain subprocesses (`python -m`), not forks.
A run's first `start_after` articles are done in this process: a smaller run would lose more than it gains by
starting workers.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import vnsumm
from vnsumm.errors import RunFailed
from vnsumm.options import RunOptions
from vnsumm.records import Article
from vnsumm.runners import ProgressSink
from vnsumm.runners.local import batches
from vnsumm.runners.worker import frame, read_message, write_frame
from vnsumm.stages.base import Stage, run_stages

IN_FLIGHT = 3  # batches per worker sent ahead: a worker never waits for work, memory stays bounded
STOP_WAIT = 1.0  # seconds a terminated worker has to end before it is killed
MAX_WORKERS = 8  # the default's cap: the parent (reading, storing) must keep up with them
START_AFTER = 512  # articles: fewer are done here, sooner than workers start (each imports vnsumm anew)
SPREAD_AFTER = 1_000  # a store-level step's units of work (stories) from which workers are worth starting
# One library copy for parent and workers (a worktree or PYTHONPATH copy wins over an installed one).
PACKAGE_ROOT = str(Path(vnsumm.__file__).resolve().parent.parent)
# Each worker is one core's worth: numerical libraries must not start threads of their own in it.
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class WorkerDied(RunFailed):
    """A worker process ended without answering (killed, out of memory)."""


def worker_count(requested: int | None) -> int:
    """`requested` (RunOptions.workers), else one worker per core this process may run on (containers, taskset), at
    most MAX_WORKERS."""
    if requested:
        return requested
    from vnsumm.tuning import usable_cores

    return max(1, min(usable_cores(), MAX_WORKERS))


class _Worker:
    def __init__(self, stages: bytes, answers: queue.Queue[tuple[_Worker, Any]]) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
        env.update({name: env.get(name, "1") for name in ONE_THREAD})
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by reap) the worker's stderr: its last words
        self.process = subprocess.Popen([sys.executable, "-m", "vnsumm.runners.worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.busy = 0  # batches sent and not answered
        # A thread per worker writes its messages and one takes its answers as they come: neither side ever waits
        # on a full pipe, so the parent keeps reading, storing and feeding the other workers while this one is busy.
        self.outbox: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._write, daemon=True).start()
        threading.Thread(target=self._read, args=(answers,), daemon=True).start()
        self.outbox.put(stages)

    def send(self, seq: int, batch: list[Article]) -> None:
        self.outbox.put(frame((seq, batch)))
        self.busy += 1

    def _write(self) -> None:
        stream = self.process.stdin
        assert stream is not None
        while (framed := self.outbox.get()) is not None:
            try:
                write_frame(stream, framed)
            except (OSError, ValueError):  # the worker ended: its reader reports it
                return
        with contextlib.suppress(OSError, ValueError):
            stream.close()  # the worker's end of input: it exits

    def _read(self, answers: queue.Queue[tuple[_Worker, Any]]) -> None:
        assert self.process.stdout is not None
        try:
            while True:
                answers.put((self, read_message(self.process.stdout)))
        except (EOFError, OSError, ValueError):
            answers.put((self, None))  # the worker ended
        except Exception as exc:  # an answer that cannot be read here: the run must not wait for it forever
            answers.put((self, exc))

    def died(self) -> WorkerDied:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_WAIT)
        self.log.seek(0)
        last = [line for line in self.log.read().decode("utf-8", "replace").splitlines() if line.strip()][-1:]
        code = self.process.returncode
        how = f"was killed (signal {-code})" if code is not None and code < 0 else f"exited (code {code})"
        return WorkerDied(f"a worker process {how}{': ' + last[0] if last else ''}")

    def stop(self) -> None:
        self.outbox.put(None)
        with contextlib.suppress(OSError):
            self.process.terminate()

    def reap(self, deadline: float) -> None:
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.log.close()


Batch = list[Any]


def _in_order(workers: list[_Worker], answers: queue.Queue[tuple[_Worker, Any]], groups: Iterator[Batch],
              progress: ProgressSink | None) -> Iterator[Batch]:
    sent = yielded = 0
    finished: dict[int, tuple[Batch, BaseException | None]] = {}
    more = True
    while True:
        while more and sent - yielded < IN_FLIGHT * len(workers):
            batch = next(groups, None)
            if batch is None:
                more = False
                break
            min(workers, key=lambda w: w.busy).send(sent, batch)
            sent += 1
        if yielded == sent:
            return
        worker, answer = answers.get()
        if answer is None:
            raise worker.died()
        if isinstance(answer, Exception):
            raise WorkerDied(f"a worker's answer could not be read ({type(answer).__name__}: {answer})")
        seq, batch, error = answer
        worker.busy -= 1
        finished[seq] = (batch, error)
        while yielded in finished:
            batch, error = finished.pop(yielded)
            if error is not None:  # in its place: the batches before it are stored first, as here
                raise error
            yielded += 1
            if progress:
                progress.advance(len(batch))
            yield batch


class WorkerPool:
    """`count` worker processes, each running `steps` (picklable objects with `setup()` and a call from a batch to a
    batch, as stages are; or those framed by `worker.frame`) over the batches `map` gives it. A context manager: no
    worker outlives it, however it ends."""

    def __init__(self, steps: bytes | list[Any], count: int) -> None:
        blob = steps if isinstance(steps, bytes) else frame(steps)
        self.answers: queue.Queue[tuple[_Worker, Any]] = queue.Queue()
        self.workers: list[_Worker] = []
        try:
            for _ in range(count):
                self.workers.append(_Worker(blob, self.answers))
        except BaseException:
            self.close()
            raise

    def map(self, batches: Iterator[Batch], progress: ProgressSink | None = None) -> Iterator[Batch]:
        """The batches done, in their order (at most IN_FLIGHT per worker sent ahead)."""
        return _in_order(self.workers, self.answers, batches, progress)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        deadline = time.monotonic() + STOP_WAIT
        for worker in self.workers:
            worker.reap(deadline)
        self.workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spread(step: Any, batches: Iterator[Batch], workers: int, units: int) -> Iterator[Batch]:
    """`step` (as WorkerPool takes it) over `batches`, in order, for a store-level step with `units` pieces of work
    (stories) to do: in `workers` processes when more than one and the work outweighs starting them, else here."""
    if workers <= 1 or units < SPREAD_AFTER:
        step.setup()
        yield from map(step, batches)
        return
    with WorkerPool([step], workers) as pool:
        yield from pool.map(batches)


class ProcessRunner:
    """A runner (see `vnsumm.runners.Runner`) over `workers` processes."""

    def __init__(self, workers: int, start_after: int = START_AFTER) -> None:
        self.workers, self.start_after = workers, start_after

    def __call__(self, stages: list[Stage], pending: Iterator[Article], options: RunOptions,
                 progress: ProgressSink | None) -> Iterator[list[Article]]:
        for stage in stages:
            stage.prepare()
        blob = frame(stages)  # before any set-up here: workers load theirs
        for stage in stages:  # this process runs the first batches itself
            stage.setup()

        def finished() -> Iterator[list[Article]]:
            groups = batches(pending, options.group_size)
            pool: WorkerPool | None = None
            done = 0
            try:
                # The first articles are done here, as they are read: a small run never waits for workers, which
                # start halfway and take over once they have had time to load.
                for batch in groups:
                    batch = run_stages(stages, batch)
                    if progress:
                        progress.advance(len(batch))
                    yield batch
                    done += len(batch)
                    if done >= self.start_after // 2 and pool is None:
                        pool = WorkerPool(blob, self.workers)
                    if done >= self.start_after:
                        break
                if pool is not None:
                    yield from pool.map(groups, progress)
            finally:  # done, failed, interrupted or abandoned: no worker outlives the run
                if pool is not None:
                    pool.close()

        return finished()

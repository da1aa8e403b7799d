"""Process-wide settings for a batch run: the allocator, thread counts, library log levels.

Library objects never call this (a program embedding vnsumm keeps its own allocator and logging); the CLI calls it
once at start-up, and so does each Ray worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys


def reuse_freed_memory() -> None:
    """Keep freed memory in one glibc heap for the next batch instead of unmapping it.

    By default each large activation buffer is a fresh mmap, zero-filled page by page on first touch (see README,
    "Speed"). One arena, so worker threads share the kept memory instead of each growing its own. Must run before
    a backend starts its threads.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 1)  # M_ARENA_MAX
        libc.mallopt(-4, 0)  # M_MMAP_MAX: no mmap for large blocks (glibc still falls back to it if the heap is full)
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: never give the heap's top back mid-run


def quiet_libraries() -> None:
    """Per-load progress bars and advice from transformers, datasets and the hub client are noise in a batch
    tool's output: errors only."""
    for variable, value in (("TOKENIZERS_PARALLELISM", "false"), ("TRANSFORMERS_VERBOSITY", "error"),
                            ("HF_HUB_DISABLE_PROGRESS_BARS", "1")):  # read when those libraries are imported
        os.environ.setdefault(variable, value)
    for name in ("transformers", "datasets", "huggingface_hub", "ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tune_process(device: str = "cpu", models: bool = True) -> None:
    """What a batch run of vnsumm sets for its whole process (CLI and Ray workers): quiet library logs, and on CPU
    the allocator setting and one torch thread per usable core (read by torch when it starts). `models`: whether
    the run loads a model; the allocator setting is for its batches, and a run without one (the extractive
    summarizer, no translation) keeps glibc's default, which hands large freed blocks back."""
    quiet_libraries()
    if device in ("cpu", "auto") and models:
        reuse_freed_memory()
        os.environ.setdefault("OMP_NUM_THREADS", str(usable_cores()))

"""The process runner: real worker processes (`python -m vnsumm.runners.worker`), real stages. Batches come back
in input order and equal to what this process makes; a worker's exception is raised here; a dead worker ends the
run in one line; Ctrl-C ends a CLI run at once, workers included, keeping what is stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from helpers import ROOT, SEEDS, read_jsonl

from vnsumm.options import RunOptions
from vnsumm.plan import plan_run
from vnsumm.records import Article
from vnsumm.registry import load_registry
from vnsumm.runners.local import run_local
from vnsumm.runners.processes import SPREAD_AFTER, ProcessRunner, WorkerDied, WorkerPool, spread
from vnsumm.runners.worker import RemoteError
from vnsumm.stages.base import Stage

TESTS = str(Path(__file__).parent)


@pytest.fixture(autouse=True)
def _workers_see_this_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers unpickle the stages below by module name: they need this folder on their path."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [TESTS, os.environ.get("PYTHONPATH")])))


def articles(count: int) -> list[Article]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [Article(f"a{i:04d}", f"feed#{i}", f"Tin số {i} ở Hà Nội.\n\n{seeds[i % len(seeds)][:1500]}", f"Tin {i}")
            for i in range(count)]


@dataclass
class Tag(Stage):
    """Notes which process ran each article; every third batch is slow, so batches finish out of order."""

    name: ClassVar[str] = "tag"

    def __call__(self, batch: list[Article]) -> list[Article]:
        if int(batch[0].id[1:]) % 3 == 0:
            time.sleep(0.05)
        return [replace(a, warnings=[*a.warnings, f"pid {os.getpid()}"]) for a in batch]


@dataclass
class FailOn(Stage):
    """Raises on one article: a ValueError, or an exception that cannot be pickled."""

    name: ClassVar[str] = "fail"
    bad: str = ""
    picklable: bool = True

    def __call__(self, batch: list[Article]) -> list[Article]:
        if any(a.id == self.bad for a in batch):
            if self.picklable:
                raise ValueError(f"cannot do {self.bad}")
            raise Unpicklable(lambda: None)
        return batch


class Unpicklable(Exception):
    def __init__(self, hook: object) -> None:
        super().__init__("holds a lambda")
        self.hook = hook


@dataclass
class Die(Stage):
    name: ClassVar[str] = "die"
    on: str = ""

    def __call__(self, batch: list[Article]) -> list[Article]:
        if any(a.id == self.on for a in batch):
            os.kill(os.getpid(), signal.SIGKILL)
        return batch


def extractive_stages() -> list[Stage]:
    options = RunOptions(lang="vi", summarizer="extractive")
    return plan_run(options, load_registry(None)).stages


def children() -> set[int]:
    """This process's live child processes."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def test_batches_come_back_in_input_order_and_as_this_process_makes_them() -> None:
    options = RunOptions(lang="vi", summarizer="extractive", write_every=8)
    stages = [*extractive_stages(), Tag()]
    here = [a for batch in run_local(stages, iter(articles(200)), options, None) for a in batch]
    runner = ProcessRunner(workers=2, start_after=40)
    batches = list(runner(stages, iter(articles(200)), options, None))
    there = [a for batch in batches for a in batch]
    assert [len(b) for b in batches] == [8] * 25
    assert [a.id for a in there] == [a.id for a in here]
    assert [replace(a, warnings=[]) for a in there] == [replace(a, warnings=[]) for a in here]
    assert all(a.summary_vi for a in there)
    pids = [a.warnings[-1] for a in there]
    assert set(pids[:40]) == {f"pid {os.getpid()}"}  # the first articles are done here, as they are read
    assert len(set(pids[40:]) - {f"pid {os.getpid()}"}) == 2  # the rest by both workers
    assert not children()  # every worker ended with the run


def test_a_small_run_starts_no_worker() -> None:
    runner = ProcessRunner(workers=2, start_after=512)
    done = [a for b in runner([Tag()], iter(articles(30)), RunOptions(write_every=4), None) for a in b]
    assert [a.warnings for a in done] == [[f"pid {os.getpid()}"]] * 30


def test_a_store_step_spreads_over_workers_only_when_its_work_outweighs_starting_them() -> None:
    def pids(units: int) -> set[str]:
        groups = iter([articles(30)[i:i + 5] for i in range(0, 30, 5)])
        return {a.warnings[-1] for batch in spread(Tag(), groups, workers=2, units=units) for a in batch}

    assert pids(SPREAD_AFTER - 1) == {f"pid {os.getpid()}"}
    assert len(pids(SPREAD_AFTER) - {f"pid {os.getpid()}"}) >= 1
    assert not children()


@pytest.mark.parametrize("picklable", [True, False])
def test_a_workers_exception_is_raised_here_and_the_workers_end(picklable: bool) -> None:
    runner = ProcessRunner(workers=2, start_after=0)
    batches = runner([FailOn(bad="a0033", picklable=picklable)], iter(articles(80)), RunOptions(write_every=4), None)
    done = []
    with pytest.raises(ValueError if picklable else RemoteError) as raised:
        for batch in batches:
            done += batch
    assert "cannot do a0033" in str(raised.value) if picklable else "Unpicklable: holds a lambda" in str(raised.value)
    assert [a.id for a in done] == [f"a{i:04d}" for i in range(32)]  # the batches before it, in order
    assert not children()


def test_a_dead_worker_ends_the_run_in_one_line() -> None:
    runner = ProcessRunner(workers=2, start_after=0)
    with pytest.raises(WorkerDied, match=r"a worker process was killed \(signal 9\)"):
        list(runner([Die(on="a0021")], iter(articles(60)), RunOptions(write_every=4), None))
    assert not children()


def test_a_run_abandoned_midway_ends_its_workers() -> None:
    batches = ProcessRunner(workers=2, start_after=0)([Tag()], iter(articles(100)), RunOptions(write_every=4), None)
    next(batches), next(batches)  # the first here, the second from the workers
    assert len(children()) == 2
    batches.close()  # type: ignore[attr-defined]
    assert not children()


def worker_pids(parent: int) -> set[int]:
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            stat = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
            command = cmdline.read_bytes()
        except OSError:
            continue
        if int(stat[1]) == parent and b"vnsumm.runners.worker" in command:
            found.add(int(cmdline.parent.name))
    return found


def test_ctrl_c_stops_a_cli_run_and_its_workers_at_once(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed.jsonl", tmp_path / "out"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}, ensure_ascii=False) + "\n"
                            for a in articles(6000)), encoding="utf-8")
    command = [sys.executable, "-m", "vnsumm.cli", "run", str(feed), "--lang", "vi", "--summarizer", "extractive",
               "--out", str(out), "--workers", "2"]
    # Its own process group, as a terminal's job: Ctrl-C reaches the run and its workers alike.
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    records = out / "summaries.jsonl"
    while len(worker_pids(process.pid)) < 2 or not records.exists() \
            or records.read_bytes().count(b"\n") < 700:  # past the articles done before workers start
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    workers = worker_pids(process.pid)
    signalled = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert time.monotonic() - signalled < 2.0
    assert process.returncode == 130 and b"Traceback" not in stderr, stderr
    assert b"interrupted:" in stderr
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    saved = read_jsonl(records)  # every line whole, each id once, in input order
    assert 700 <= len(saved) < 6000
    assert [r["id"] for r in saved] == [f"a{i:04d}" for i in range(len(saved))]


def test_a_worker_killed_mid_run_ends_the_cli_run_in_one_line_exit_2_and_the_rerun_finishes(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed.jsonl", tmp_path / "out"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}, ensure_ascii=False) + "\n"
                            for a in articles(6000)), encoding="utf-8")
    command = [sys.executable, "-m", "vnsumm.cli", "run", str(feed), "--lang", "vi", "--summarizer", "extractive",
               "--out", str(out), "--workers", "2", "--format", "md"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(worker_pids(process.pid)) < 2:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    os.kill(min(worker_pids(process.pid)), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and b"Traceback" not in stderr, stderr
    [line] = [line for line in stderr.decode().splitlines() if line.strip()]
    assert line.startswith("vnsumm: error: a worker process was killed (signal 9)") and "run the same command" in line
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    assert len(read_jsonl(out / "summaries.jsonl")) == 6000


def test_only_model_free_plans_run_in_processes_and_one_worker_means_here() -> None:
    from vnsumm.pipeline import pick_runner

    chosen = pick_runner(RunOptions(lang="vi", summarizer="extractive", workers=3), needs_models=False)
    assert isinstance(chosen, ProcessRunner) and chosen.workers == 3
    assert pick_runner(RunOptions(workers=1), needs_models=False) is run_local
    assert pick_runner(RunOptions(workers=3), needs_models=True) is run_local  # model backends use the cores


def test_story_summaries_from_workers_equal_those_made_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vnsumm.runners.processes
    import vnsumm.stages.story_summaries
    from vnsumm.pipeline import run

    monkeypatch.setattr(vnsumm.runners.processes, "SPREAD_AFTER", 1)  # workers however few the stories
    monkeypatch.setattr(vnsumm.stages.story_summaries, "STORIES_PER_BATCH", 2)
    pools: list[int] = []

    class CountedPool(WorkerPool):
        def map(self, *args: Any, **kwargs: Any) -> Any:
            pools.append(len(self.workers))
            return super().map(*args, **kwargs)

    monkeypatch.setattr(vnsumm.runners.processes, "WorkerPool", CountedPool)
    feed = tmp_path / "feed.jsonl"
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    # Each seed printed by three outlets, each adding a sentence of its own: stories of three articles.
    feed.write_text("".join(json.dumps({"id": f"s{i}-{outlet}", "title": f"Tin {i}",
                                        "text": f"{seed}\n\nBáo số {outlet} đưa tin này lúc {outlet + 7} giờ."},
                                       ensure_ascii=False) + "\n"
                            for i, seed in enumerate(seeds) for outlet in range(3)), encoding="utf-8")
    made = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        report = run([feed], RunOptions(lang="vi", summarizer="extractive", out=out, workers=workers))
        assert report.exit_code == 0
        made[workers] = (out / "stories.jsonl").read_text(encoding="utf-8")
    assert pools == [2]  # one run used two workers, the other none
    assert made[1] == made[2]
    sizes = [len(json.loads(line)["articles"]) for line in made[1].splitlines()]
    assert sizes.count(3) >= len(seeds) // 2  # most seeds are stories of three articles
    assert not children()

"""A bulk run end to end, as a user runs it: `vnsumm run BIG.jsonl --lang vi --summarizer extractive`.

    python benchmarks/bulk_bench.py ../shared/vietnews/dev.jsonl --articles 100000 [--mixed] [--workdir /tmp/bulk]

The dataset's articles are repeated (each copy with its own id) up to `--articles` (with `--mixed`: distinct
articles of random sentences of the dataset, so that story grouping meets as many articles as there are),
written as one JSONL file, and
the CLI runs on it three times in fresh processes: a first run without story grouping (so its cost shows), a
first run, and a rerun that reuses everything. Each line reports wall seconds, articles per second and the
peak resident memory of the process (start-up, reading, cleaning, summarizing, storing and the digests included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from vnsumm.jsonl import load_jsonl
from vnsumm.lang.text import split_sentences


def build_input(dataset: Path, articles: int, path: Path, mixed: bool) -> None:
    """Copies of the dataset's articles; or, `mixed`, articles made of a title and eight sentences drawn at random
    from the whole dataset (every article distinct, as in a real bulk run, with no stories to find)."""
    rows = load_jsonl(dataset)
    sentences = [s for row in rows for s in split_sentences(row["text"])]
    rng = random.Random(0)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(articles):
            row = rows[i % len(rows)]
            if mixed:
                record = {"id": f"mix-{i}", "title": rng.choice(rows).get("title"),
                          "text": "\n".join(rng.sample(sentences, 8))}
            else:
                record = {"id": f"{row['id']}#{i}", "title": row.get("title"), "text": row["text"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def timed_run(args: list[str], log: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS (MB) of this child alone (wait4), exit code. CPU seconds are what to
    compare on a shared machine: other processes stretch the wall time, not them."""
    start = time.monotonic()
    with log.open("w") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "vnsumm", *args], stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"vnsumm {' '.join(args)} failed ({code}): {log.read_text()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


RUNS: list[tuple[str, list[str]]] = [("first run, --no-group", ["--no-group"]), ("first run", []),
                                     ("rerun, every article reused", [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vnsumm-bulk"))
    parser.add_argument("--extra", nargs="*", default=[], help="more options for every run")
    parser.add_argument("--mixed", action="store_true", help="distinct articles of random dataset sentences")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"articles-{args.articles}{'-mixed' if args.mixed else ''}.jsonl"
    if not source.exists():
        build_input(args.dataset, args.articles, source, args.mixed)
    out = args.workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    base = ["run", str(source), "--lang", "vi", "--summarizer", "extractive", "--out", str(out), *args.extra]
    os.environ.setdefault("VNSUMM_CACHE", str(args.workdir / "cache"))
    log = args.workdir / "stderr.log"
    for label, extra in RUNS:
        if label.startswith("first"):
            shutil.rmtree(out, ignore_errors=True)
        seconds, cpu, peak, code = timed_run(base + extra, log)
        print(f"{label:40s} {args.articles:>8,} articles  {seconds:7.1f} s  {args.articles / seconds:8.0f}/s  "
              f"CPU {cpu:7.1f} s  peak RSS {peak:6.0f} MB  exit {code}", flush=True)


if __name__ == "__main__":
    main()

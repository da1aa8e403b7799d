"""A bulk run end to end, as a user runs it: `vnsumm run BIG.jsonl --lang vi --summarizer extractive`.

    python benchmarks/bulk_bench.py ../shared/vietnews/dev.jsonl --articles 100000 [--mixed] [--workdir /tmp/bulk]
    python benchmarks/bulk_bench.py --train /tmp/vn/data/train_tokenized --articles 100000

The dataset's articles are repeated (each copy with its own id) up to `--articles` (with `--mixed`: distinct
articles of random sentences of the dataset, so that story grouping meets as many articles as there are; with
`--train FOLDER`: `--articles` distinct articles spread over a VietNews split, `data/train_tokenized`, as real
articles), written as one JSONL file, and
the CLI runs on it three times in fresh processes: a first run without story grouping (so its cost shows), a
first run, and a rerun that reuses everything (`--runs` picks some). Each line reports wall seconds, articles per
second, CPU seconds and peak memory (start-up, reading, cleaning, summarizing, storing and the digests included):
the peak resident memory of the run's process, and the peak of the resident memory of its whole process tree
summed (worker processes included; sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import contextlib
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


def build_train(folder: Path, articles: int, path: Path) -> None:
    """`articles` articles of a VietNews split folder, spread over it (extractive_data.read_split), as JSONL."""
    sys.path.insert(0, str(Path(__file__).parent))
    from extractive_data import read_split

    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for doc in read_split(folder, articles):
            handle.write(json.dumps({"id": doc.id, "title": doc.title, "text": doc.text}, ensure_ascii=False) + "\n")
            count += 1
    if count < articles:
        print(f"note: {folder} holds {count} usable articles, fewer than {articles}", file=sys.stderr)


def tree_rss(pid: int) -> float:
    """Resident MB of a process and its descendants now, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):  # a process that just ended
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    pages = 0
    for member in tree:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pages += int(Path(f"/proc/{member}/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def timed_run(args: list[str], log: Path) -> tuple[float, float, float, float, int]:
    """Wall seconds, CPU seconds (the child and the workers it waited for: wait4), peak RSS (MB) of the child
    alone, peak RSS of its process tree summed, exit code. CPU seconds are what to compare on a shared machine:
    other processes stretch the wall time, not them."""
    start = time.monotonic()
    with log.open("w") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "vnsumm", *args], stdout=subprocess.DEVNULL, stderr=stderr)
        tree_peak = 0.0
        while (done := os.wait4(child.pid, os.WNOHANG))[0] == 0:
            tree_peak = max(tree_peak, tree_rss(child.pid))
            time.sleep(0.1)
        _, status, usage = done
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"vnsumm {' '.join(args)} failed ({code}): {log.read_text()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tree_peak, code


RUNS: list[tuple[str, str, list[str]]] = [("no-group", "first run, --no-group", ["--no-group"]),
                                          ("first", "first run", []), ("rerun", "rerun, every article reused", [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path, nargs="?", help="JSONL of articles (id, title, text)")
    parser.add_argument("--train", type=Path, help="a VietNews split folder (*.txt.seg): distinct real articles")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vnsumm-bulk"))
    parser.add_argument("--extra", nargs="*", default=[], help="more options for every run")
    parser.add_argument("--mixed", action="store_true", help="distinct articles of random dataset sentences")
    parser.add_argument("--runs", nargs="*", choices=[key for key, _, _ in RUNS], default=[key for key, _, _ in RUNS],
                        help="which runs (default: all three)")
    args = parser.parse_args()
    if (args.dataset is None) == (args.train is None):
        parser.error("give a dataset (JSONL) or --train FOLDER")
    args.workdir.mkdir(parents=True, exist_ok=True)
    kind = "-train" if args.train else "-mixed" if args.mixed else ""
    source = args.workdir / f"articles-{args.articles}{kind}.jsonl"
    if not source.exists():
        if args.train:
            build_train(args.train, args.articles, source)
        else:
            build_input(args.dataset, args.articles, source, args.mixed)
    out = args.workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    base = ["run", str(source), "--lang", "vi", "--summarizer", "extractive", "--out", str(out), *args.extra]
    os.environ.setdefault("VNSUMM_CACHE", str(args.workdir / "cache"))
    log = args.workdir / "stderr.log"
    for key, label, extra in RUNS:
        if key not in args.runs:
            continue
        if key != "rerun":
            shutil.rmtree(out, ignore_errors=True)
        seconds, cpu, peak, tree, code = timed_run(base + extra, log)
        print(f"{label:30s} {args.articles:>8,} articles  {seconds:7.1f} s  {args.articles / seconds:6.0f}/s  "
              f"CPU {cpu:7.1f} s  peak RSS {peak:5.0f} MB (all processes {tree:5.0f} MB)  exit {code}", flush=True)


if __name__ == "__main__":
    main()

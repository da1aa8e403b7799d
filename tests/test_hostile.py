"""Issue 23, case by case, with real files and processes: whatever the input, finished work is never lost, a run
never hangs or crashes, and each failure is one line."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from helpers import ROOT, read_jsonl, vnsumm
from typer.testing import CliRunner

from vnsumm.cli import app
from vnsumm.jsonl import load_jsonl
from vnsumm.output.store import QUARANTINE_FILE, ConfigError, OutputStore
from vnsumm.readers import iter_inputs, read_inputs, read_path
from vnsumm.readers.paths import printable

runner = CliRunner()
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def text(i: int) -> str:
    return f"Tin số {i}: hội nghị lần thứ {i} diễn ra tại Hà Nội.\n\n" + SEEDS[i % len(SEEDS)].read_text(
        encoding="utf-8")[:1200]


def feed(path: Path, count: int, **extra: object) -> Path:
    path.write_text("".join(json.dumps({"id": f"a{i}", "title": f"Tin {i}", "text": text(i), **extra},
                                       ensure_ascii=False) + "\n" for i in range(count)), encoding="utf-8")
    return path


def run(*args: str) -> object:
    return runner.invoke(app, ["run", *args, "--lang", "vi", "--summarizer", "extractive"])


def stored(out: Path) -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl(out / "summaries.jsonl")}


def test_output_folder_inside_the_input_folder_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    news = tmp_path / "news"
    news.mkdir()
    for i in range(3):
        (news / f"n{i}.txt").write_text(text(i), encoding="utf-8")
    monkeypatch.chdir(news)
    first = run(".")
    assert first.exit_code == 0, first.output
    before = stored(news / "out")
    second = run(".")  # the default out/ now sits inside the input folder
    assert second.exit_code == 0, second.output
    after = stored(news / "out")
    assert sorted(after) == ["n0", "n1", "n2"] and all(r["error"] is None for r in after.values())
    assert {k: r["summary_vi"] for k, r in after.items()} == {k: r["summary_vi"] for k, r in before.items()}
    assert "3 reused" in second.stderr
    named = run("out/summaries.jsonl", "n0.txt")  # named outright, a file of the output folder: a usage error
    assert named.exit_code == 2 and "out/summaries.jsonl is inside the output folder" in named.output
    globbed = run("out/*.jsonl")  # quoted, so vnsumm expands it: the store is no input either
    assert globbed.exit_code == 2 and "matches only files inside the output folder" in globbed.output
    (news / "out" / "pages").mkdir(exist_ok=True)
    (news / "out" / "pages" / "p.txt").write_text(text(9), encoding="utf-8")
    deeper = run("out/pages/p.txt")
    assert deeper.exit_code == 2 and "inside the output folder" in deeper.output
    assert sorted(stored(news / "out")) == ["n0", "n1", "n2"]


def test_prune_keeps_the_records_of_an_input_that_failed_to_read(tmp_path: Path) -> None:
    good, flaky, out = feed(tmp_path / "good.jsonl", 2), tmp_path / "flaky.jsonl", tmp_path / "out"
    flaky.write_text("".join(json.dumps({"id": f"f{i}", "text": text(i)}, ensure_ascii=False) + "\n"
                             for i in range(3)), encoding="utf-8")
    assert run(str(good), str(flaky), "--out", str(out)).exit_code == 0
    flaky.write_bytes(flaky.read_bytes().replace(b"f1", b"f\xff1", 1))  # one bad byte
    done = run(str(good), str(flaky), "--out", str(out), "--prune")
    assert done.exit_code == 1
    assert "--prune skipped" in done.stderr and "dropped" not in done.stderr
    records = stored(out)
    assert {"a0", "a1", "f0", "f1", "f2"} <= set(records) and records["f1"]["error"] is None


def test_a_bad_byte_costs_its_line_and_a_bad_csv_row_its_row(tmp_path: Path) -> None:
    lines = feed(tmp_path / "feed.jsonl", 50).read_bytes().split(b"\n")
    lines[9] = lines[9].replace(b"Tin", b"T\xffn", 1)
    (tmp_path / "feed.jsonl").write_bytes(b"\n".join(lines))
    articles = read_inputs([tmp_path / "feed.jsonl"])
    assert len(articles) == 50 and [a.ok for a in articles].count(False) == 1
    assert "line is not UTF-8" in (articles[9].error or "") and articles[9].id == "feed:10"
    table = tmp_path / "feed.csv"
    table.write_text('id,title,text\nc1,Một,"' + text(1) + '"\nc2,Hai\nc3,Ba,"' + text(3) + '",extra\n'
                     'c4,Bốn,"' + text(4) + '"\n', encoding="utf-8")
    rows = read_inputs([table])
    assert [a.id for a in rows] == ["c1", "feed:2", "feed:3", "c4"]
    assert [a.ok for a in rows] == [True, False, False, True]
    assert "2 columns, the header 3" in (rows[1].error or "")


def test_a_failure_never_replaces_a_finished_record_and_a_rerun_is_a_no_op(tmp_path: Path) -> None:
    articles, out = feed(tmp_path / "feed.jsonl", 4), tmp_path / "out"
    assert run(str(articles), "--out", str(out)).exit_code == 0
    before = stored(out)
    wrong = run(str(articles), "--out", str(out), "--text-field", "body")  # a mistyped field name
    assert wrong.exit_code == 1 and "no field 'body'" in wrong.stderr
    after = stored(out)
    assert {k: r["summary_vi"] for k, r in after.items()} == {k: r["summary_vi"] for k, r in before.items()}
    assert all(r["error"] is None and any("no field 'body'" in w for w in r["warnings"]) for r in after.values())
    assert (out / "digest.vi.md").read_text(encoding="utf-8").count("\n## ") == 4
    snapshot = {p.name: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run(str(articles), "--out", str(out), "--text-field", "body")
    assert again.exit_code == 1
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
            if not p.name.startswith(".vnsumm.")} == {k: v for k, v in snapshot.items()
                                                      if not k.startswith(".vnsumm.")}  # nothing rewritten
    unreadable = tmp_path / "broken.txt"
    unreadable.write_bytes(b"")
    assert run(str(articles), str(unreadable), "--out", str(out)).exit_code == 1
    mtime = (out / "summaries.jsonl").stat().st_mtime_ns
    assert run(str(articles), str(unreadable), "--out", str(out)).exit_code == 1  # the same failure again
    assert (out / "summaries.jsonl").stat().st_mtime_ns == mtime


def test_renamed_duplicates_never_take_a_real_id_and_are_announced(tmp_path: Path) -> None:
    rows = [{"id": "A", "text": text(0)}, {"id": "A", "text": text(1)}, {"id": "A~1", "text": text(2)}]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                         encoding="utf-8")
    out = tmp_path / "out"
    for attempt in range(2):  # the second run: the store's ids are taken into account, and the names are stable
        done = run(str(tmp_path / "feed.jsonl"), "--out", str(out))
        assert done.exit_code == 0 and ("duplicate id renamed" in done.stderr or attempt == 1)
        records = stored(out)
        assert len(records) == 3 and {r["source"] for r in records.values()} == {
            f"{tmp_path / 'feed.jsonl'}:{n}" for n in (1, 2, 3)}


def test_the_store_deleted_during_a_run_stops_it_instead_of_reporting_success(tmp_path: Path) -> None:
    [first, second] = read_inputs([feed(tmp_path / "feed.jsonl", 2)])
    store = OutputStore(tmp_path / "out")
    with store.open():
        store.append([first], store.index())
        store.path.unlink()
        with pytest.raises(ConfigError, match="deleted, moved or replaced"):
            store.append([second], store.index())
        with pytest.raises(ConfigError, match="deleted, moved or replaced"):
            store.note_failures()


def _fifo_reader(path: Path, got: list[bytes]) -> threading.Thread:
    def read() -> None:
        with path.open("rb") as handle:
            got.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_file_commands_write_through_links_fifos_and_devices(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"id": "g1", "title": "Tin", "text": text(1)}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    target, link = tmp_path / "target.jsonl", tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert vnsumm("group", str(records), "--out", str(link)).returncode == 0
    assert link.is_symlink() and [r["id"] for r in read_jsonl(target)] == ["g1"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _fifo_reader(fifo, got)
    assert vnsumm("group", str(records), "--out", str(fifo), timeout=60).returncode == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and json.loads(got[0])["id"] == "g1"
    shown = vnsumm("group", str(records), "--out", "/dev/stdout")
    assert json.loads(shown.stdout.splitlines()[0])["id"] == "g1"
    full = vnsumm("group", str(records), "--out", "/dev/full")
    assert full.returncode == 2 and "No space left on device" in full.stderr and "Traceback" not in full.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_dates_are_parsed_at_reading_or_dropped_and_never_name_files(tmp_path: Path) -> None:
    dates = ["../../pwn1", "2020/01/02", "2020-01-\x0003", "hôm qua", {"y": 2020}, True, 20200101, "28/05/2020"]
    (tmp_path / "feed.jsonl").write_text("".join(
        json.dumps({"id": f"d{i}", "text": text(i), "date": d}, ensure_ascii=False) + "\n"
        for i, d in enumerate(dates)), encoding="utf-8")
    articles = {a.id: a for a in read_inputs([tmp_path / "feed.jsonl"])}
    assert articles["d1"].date == "2020-01-02" and articles["d7"].date == "2020-05-28"
    for key in ("d0", "d2", "d3", "d4", "d5", "d6"):
        assert articles[key].date is None and articles[key].date_source is None
        assert any("date dropped" in w for w in articles[key].warnings)
    out = tmp_path / "deep" / "out"
    assert run(str(tmp_path / "feed.jsonl"), "--out", str(out)).exit_code == 0
    assert not list(tmp_path.glob("**/pwn1*"))
    records = stored(out)
    assert records["d1"]["date"] == "2020-01-02" and records["d1"]["date_source"] == "meta"
    assert all(r["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]) for r in records.values())
    assert all(r["date_source"] != "meta" for key, r in records.items() if key not in ("d1", "d7"))


def test_fifo_device_links_and_loops_among_inputs_cost_one_record_each(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(text(0), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "dangling.txt").symlink_to(folder / "missing")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "parent").symlink_to("..")  # a glob or walk through it would never end
    (folder / "sub" / "deep.txt").write_text(text(1), encoding="utf-8")
    started = time.monotonic()
    done = vnsumm("run", str(folder), "--lang", "vi", "--summarizer", "extractive", "--out", str(tmp_path / "out"),
                  timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    records = stored(tmp_path / "out")
    assert sorted(records) == ["dangling", "deep", "good", "loop", "pipe", "zero"]
    assert "FIFO" in records["pipe"]["error"] and "character device" in records["zero"]["error"]
    assert "symbolic links" in records["loop"]["error"] and "No such file" in records["dangling"]["error"]
    globbed = vnsumm("clean", f"{folder}/**/*.txt", "--out", str(tmp_path / "clean.jsonl"), timeout=60)
    assert sorted(r["id"] for r in read_jsonl(tmp_path / "clean.jsonl")) == sorted(records), globbed.stderr
    assert time.monotonic() - started < 100


def test_reads_are_bounded(tmp_path: Path) -> None:
    line = tmp_path / "one-line.txt"
    with line.open("w", encoding="utf-8") as handle:
        for _ in range(40):
            handle.write("Hà Nội khai mạc hội nghị về kinh tế " * 10_000)
    jsonl = tmp_path / "big.jsonl"
    jsonl.write_text('{"id": "x", "text": "' + "a" * (20 << 20) + '"}\n' + json.dumps({"id": "y", "text": text(1)})
                     + "\n", encoding="utf-8")
    tracemalloc.start()
    [article] = read_path(str(line))
    [too_long, kept] = read_path(str(jsonl))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert article.ok and len(article.text) <= 100_000 and any("too long" in w for w in article.warnings)
    assert "longer than" in (too_long.error or "") and kept.ok and kept.id == "y"
    assert peak < 40 << 20  # the files are 14 MB and 20 MB


def test_hostile_strings_and_names_never_crash_a_run(tmp_path: Path) -> None:
    rows = ['{"id": "\\ud800", "title": "\\udfff' + "T" * 5000 + '", "text": ' + json.dumps(text(0)) + '}',
            '{"id": "t\\u001b[2J", "text": "\\u0000' + text(1).replace("\n", "\\n").replace('"', "'") + '"}']
    (tmp_path / "feed.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done = vnsumm("run", str(tmp_path / "feed.jsonl"), "--lang", "vi", "--summarizer", "extractive",
                  "--out", str(out))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    records = list(stored(out).values())
    assert len(records) == 2 and all(len(r["title"] or "") <= 300 for r in records)
    assert "\x1b" not in done.stderr and all("\x00" not in json.dumps(r) for r in records)
    assert printable("x\x1b[2J\u202e.txt") == "x\\x1b[2J\\u202e.txt"


@pytest.mark.parametrize("command", [
    ["check", "--source-field", "text", "--output-field", "summary_vi"], ["group"], ["clean"],
    ["summarize-stories", "--story-field", "story"]])
def test_file_commands_write_every_record_whatever_its_strings_hold(command: list[str], tmp_path: Path) -> None:
    rows = ['{"id": "odd\\ud800", "story": "s", "title": "T\\udfff", "summary_vi": "Có 2 người.", "text": '
            + json.dumps(text(0)) + '}', json.dumps({"id": "plain", "story": "s", "text": text(1)})]
    (tmp_path / "in.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = vnsumm(command[0], str(tmp_path / "in.jsonl"), *command[1:], "--out", str(tmp_path / "out.jsonl"))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "\ufffd" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")  # the lone surrogate, replaced


def test_unusable_stored_records_are_quarantined_not_fatal(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(feed(tmp_path / "feed.jsonl", 3)), "--out", str(out)).exit_code == 0
    with (out / "summaries.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "nosource", "text": "x"}\n{"id": null, "source": "s"}\n42\n'
                     '{"id": "numeric", "source": "s", "date": 20200101}\n'
                     '{"id": "pwn", "source": "s", "date": "../../pwn1"}\n'
                     '{"id": "fact", "source": "s", "unsupported": [{"field": "summary_vi", "kind": "rumour"}]}\n')
    (out / ".summaries.jsonl.999999999.tmp").write_text("left by a killed run")
    warnings = []
    for _ in range(2):
        done = run(str(tmp_path / "feed.jsonl"), "--out", str(out))
        assert done.exit_code == 0 and "Traceback" not in done.output
        warnings.append([line for line in done.output.splitlines() if "moved to" in line])
    assert warnings[0] == [f"warning: 6 stored lines that could not be used moved to {out / QUARANTINE_FILE}"]
    assert warnings[1] == []  # said once, when they were moved
    assert sorted(stored(out)) == ["a0", "a1", "a2"]
    assert len(read_jsonl(out / QUARANTINE_FILE)) == 6
    assert not list(out.glob(".*.tmp"))
    assert vnsumm("group", str(out / "summaries.jsonl"), "--out", str(tmp_path / "g.jsonl")).returncode == 0


def test_sigterm_exits_at_once_and_the_next_run_finishes(tmp_path: Path) -> None:
    articles, out = feed(tmp_path / "feed.jsonl", 3000), tmp_path / "out"
    command = [sys.executable, "-m", "vnsumm.cli", "run", str(articles), "--lang", "vi", "--summarizer",
               "extractive", "--out", str(out), "--write-every", "4"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ((out / "summaries.jsonl").exists() and (out / "summaries.jsonl").stat().st_size > 20_000):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert time.monotonic() - signalled < 2.0
    assert process.returncode == 130 and b"Traceback" not in stderr
    assert b"next run" in stderr and b"digests" in stderr
    assert not (out / "digest.vi.md").exists()
    saved = read_jsonl(out / "summaries.jsonl")
    assert 0 < len(saved) < 3000


def test_jsonl_helpers_take_only_objects(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'42\n[1, 2]\n{"id": "ok"}\n{"id": "\xff"}\n"s"\n')
    assert load_jsonl(path) == [{"id": "ok"}]
    assert next(iter_inputs([str(path)])).error == f"{path}:1: row is int, not an object"


def test_a_read_only_mount_is_one_line_and_costs_nothing(tmp_path: Path) -> None:
    """A real read-only file system (root ignores permission bits, so chmod cannot stand in for it)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True,
                      check=False).returncode != 0:
        pytest.skip("this machine does not allow mounting a file system")
    try:
        out = mount / "out"
        assert run(str(feed(tmp_path / "feed.jsonl", 2)), "--out", str(out)).exit_code == 0
        before = (out / "summaries.jsonl").read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        done = run(str(feed(tmp_path / "feed.jsonl", 3)), "--out", str(out))
        assert done.exit_code == 2 and "Read-only file system" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.output
        assert (out / "summaries.jsonl").read_bytes() == before
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_score_skips_lines_that_are_not_records(tmp_path: Path) -> None:
    predictions, references = tmp_path / "p.jsonl", tmp_path / "g.jsonl"
    predictions.write_text('42\n[1, 2]\n{"id": "a", "summary_vi": "Hà Nội khai mạc hội nghị"}\n', encoding="utf-8")
    references.write_text('{"id": "a", "summary": "Hà Nội khai mạc"}\n"x"\n', encoding="utf-8")
    done = runner.invoke(app, ["score", str(predictions), str(references), "--json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["rouge1"]["r"] == 100.0

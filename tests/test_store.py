"""The output folder is a store: records accumulate, one run at a time, write failures are one line, and bad file
names or damaged conversions cost at most their own article or a rebuild."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, read_jsonl
from typer.testing import CliRunner

from vnsumm.cli import app
from vnsumm.output.store import LOCK_FILE, OutputStore

runner = CliRunner()
SEEDS = ROOT / "seeds"


def run(*args: str) -> object:
    return runner.invoke(app, ["run", *args, "--lang", "vi", "--summarizer", "extractive"])


def ids(out: Path) -> list[str]:
    return sorted(r["id"] for r in read_jsonl(out / "summaries.jsonl"))


def test_records_accumulate_across_runs_and_an_empty_input_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "new", "text": "Sáng nay, Hà Nội khai mạc hội nghị. Hội nghị bàn về "
                                 "kinh tế và việc làm cho người lao động."}, ensure_ascii=False) + "\n")
    assert run(str(extra), "--out", str(out)).exit_code == 0
    assert ids(out) == sorted([p.stem for p in SEEDS.glob("*.txt")] + ["new"])  # yesterday's records are kept
    digest = (out / "digest.vi.md").read_text(encoding="utf-8")
    assert digest.count("\n## ") == 6  # the digest covers the whole store
    before = (out / "summaries.jsonl").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run(str(empty), "--out", str(out))
    assert done.exit_code == 2 and "no articles" in done.stderr
    assert (out / "summaries.jsonl").read_bytes() == before
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0  # a rerun: one record per id, the newest
    assert ids(out) == sorted([p.stem for p in SEEDS.glob("*.txt")] + ["new"])


def test_a_busy_output_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputStore(out).open():  # another run holds the folder
        done = run(str(SEEDS), "--out", str(out))
    assert done.exit_code == 2
    [line] = done.stderr.strip().splitlines()
    assert "in use by another vnsumm run" in line and f"pid {os.getpid()}" in line
    assert not (out / "summaries.jsonl").exists()
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0  # released: the next run goes ahead
    assert (out / LOCK_FILE).exists() and len(ids(out)) == 5


def test_a_busy_folder_is_refused_before_the_inputs_are_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "vnsumm.cli", "run", "-", "--lang", "vi", "--summarizer", "extractive",
               "--out", str(out)]
    with OutputStore(out).open():  # stdin stays open and empty: a run that read it first would wait forever
        second = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            second.wait(timeout=60)  # not communicate(): it would close stdin
        finally:
            second.kill()
    assert second.stderr is not None
    assert second.returncode == 2 and "in use by another vnsumm run" in second.stderr.read()


def test_another_days_files_of_the_same_names_are_stored_beside_the_first_days(tmp_path: Path) -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    days = {day: tmp_path / day for day in ("05-01", "05-02", "moved")}
    for number, (day, folder) in enumerate(days.items()):
        folder.mkdir()
        for i in range(2):  # tin0.txt, tin1.txt each day; the moved folder is 05-01's
            seed = seeds[i if day == "moved" else i + 2 * number]
            (folder / f"tin{i}.txt").write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    said = {}
    for day in ("05-01", "05-02", "05-02", "moved"):
        done = run(str(days[day]), "--out", str(out))
        assert done.exit_code == 0, done.stderr
        said[day] = done.stderr
    assert "id of another stored article renamed (first: tin0 to tin0~1)" in said["05-02"]
    assert "2 reused" in said["moved"] and "renamed" not in said["moved"]
    stored = {r["id"]: (Path(r["source"]).parent.name, r["summary_vi"]) for r in read_jsonl(out / "summaries.jsonl")}
    assert sorted(stored) == ["tin0", "tin0~1", "tin1", "tin1~1"]  # the first day's are kept; the moved ones reused
    assert {folder for folder, _ in stored.values()} == {"05-01", "05-02"}
    assert len({summary for _, summary in stored.values()}) == 4
    # An id the rows give names the article wherever it is read: the next day's edited copy replaces it.
    rows = [{"id": "baomoi-123", "url": "https://baomoi.com/a-123.epi", "text": seeds[0].read_text(encoding="utf-8")}]
    for day, edit in (("feed-05-01.jsonl", ""), ("feed-05-02.jsonl", "\nCập nhật lúc 10:00.")):
        (tmp_path / day).write_text(json.dumps({**rows[0], "text": rows[0]["text"] + edit}, ensure_ascii=False),
                                    encoding="utf-8")
        assert run(str(tmp_path / day), "--out", str(out)).exit_code == 0
    copies = [r for r in read_jsonl(out / "summaries.jsonl") if r["id"].startswith("baomoi-123")]
    assert [(r["id"], Path(r["source"]).name) for r in copies] == [("baomoi-123", "feed-05-02.jsonl:1")]


def test_no_articles_leaves_no_new_output_folder(tmp_path: Path) -> None:
    empty, out = tmp_path / "empty", tmp_path / "new" / "out"
    empty.mkdir()
    done = run(str(empty), "--out", str(out))
    assert done.exit_code == 2 and "no articles found" in done.stderr
    assert not out.exists() and (tmp_path / "new").exists()


def test_a_folder_of_articles_named_as_output_stays_readable_as_input(tmp_path: Path) -> None:
    articles = tmp_path / "arts"
    articles.mkdir()
    for seed in sorted((ROOT / "seeds").glob("*.txt"))[:2]:
        (articles / seed.name).write_bytes(seed.read_bytes())
    inside = articles / sorted(p.name for p in articles.iterdir())[0]
    done = run(str(inside), "--out", str(articles))  # the article sits in the output folder: a usage error
    assert done.exit_code == 2 and "inside the output folder" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(str(empty), "--out", str(articles)).exit_code == 2  # no articles: nothing written
    assert sorted(p.name for p in articles.iterdir()) == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))[:2]
    again = run(str(articles), "--out", str(tmp_path / "out"))  # no lock file left to mark it an output folder
    assert again.exit_code == 0, again.stderr


def test_a_second_process_on_a_busy_folder_stops_and_the_first_loses_nothing(tiny_registry: Path,
                                                                            tmp_path: Path) -> None:
    articles, out = tmp_path / "articles.jsonl", tmp_path / "out"
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    articles.write_text("".join(json.dumps({"id": f"a{i}", "text": seeds[i % 5][:1500]}, ensure_ascii=False) + "\n"
                                for i in range(12)), encoding="utf-8")
    command = [sys.executable, "-m", "vnsumm.cli", "run", str(articles), "--lang", "vi", "--models",
               str(tiny_registry), "--summarizer", "tiny-vit5-slow", "--out", str(out), "--device", "cpu",
               "--batch-size", "2", "--write-every", "2"]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        import time

        deadline = time.monotonic() + 120
        while not (out / ".vnsumm.owner").exists():  # the first run holds the folder
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2 and "in use by another vnsumm run" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert ids(out) == sorted(f"a{i}" for i in range(12))


def test_unusable_output_is_one_line_exit_2(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for out in (a_file, a_file / "sub"):
        done = run(str(SEEDS), "--out", str(out))
        assert done.exit_code == 2, done.output
        [line] = done.stderr.strip().splitlines()
        assert str(a_file) in line and "Traceback" not in done.output


def test_a_full_disk_leaves_whole_records_and_no_temporary_file(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0
    before = read_jsonl(out / "summaries.jsonl")
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    done = run(str(SEEDS), "--out", str(out), "--force")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert done.exit_code == 2 and "No space left on device" in done.stderr
    assert str(out / "summaries.jsonl") in done.stderr
    assert read_jsonl(out / "summaries.jsonl") == before  # every line whole, nothing torn
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_a_file_name_that_is_not_utf8_costs_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (SEEDS / "003_a8bbc42e34f2cb4c.txt").read_bytes()
    (folder / "good.txt").write_bytes(text)
    bad_name = os.fsdecode(b"x\xff.txt")
    (folder / bad_name).write_bytes(text)
    out = tmp_path / "out"
    done = run(str(folder), "--out", str(out))
    assert done.exit_code == 0, done.output
    records = read_jsonl(out / "summaries.jsonl")
    assert sorted(r["id"] for r in records) == ["good", "x\\xff"]  # the byte shown escaped
    assert all(r["summary_vi"] for r in records)


def test_missing_text_field_names_the_fields_there_are(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "1", "body": "Văn bản.", "headline": "Tin"}) + "\n")
    done = run(str(rows), "--out", str(tmp_path / "out"))
    assert done.exit_code == 1
    assert "no field 'text' (fields: body, headline, id); choose one with --text-field" in done.stderr


def test_a_damaged_conversion_is_rebuilt(tiny_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vnsumm import Runtime, Seq2SeqGenerator, load_registry
    from vnsumm.models.convert import MARKER

    monkeypatch.setenv("VNSUMM_CACHE", str(tmp_path / "cache"))
    spec = load_registry(tiny_registry).summarizer("tiny-vit5-ct2")
    expected = Seq2SeqGenerator(spec, Runtime("cpu")).generate(["Hội nghị diễn ra tại Hà Nội."])
    [converted] = (tmp_path / "cache" / "ct2").iterdir()
    assert (converted / MARKER).is_file()
    model = converted / "model.bin"
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])  # a truncated copy
    assert Seq2SeqGenerator(spec, Runtime("cpu")).generate(["Hội nghị diễn ra tại Hà Nội."]) == expected
    (converted / MARKER).unlink()  # an unsealed folder (a conversion from before markers, or cut short)
    assert Seq2SeqGenerator(spec, Runtime("cpu")).generate(["Hội nghị diễn ra tại Hà Nội."]) == expected
    assert (converted / MARKER).is_file()


def test_prune_drops_records_of_other_inputs_and_says_how_many(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0
    one = sorted(SEEDS.glob("*.txt"))[0]
    kept = run(str(one), "--out", str(out))
    assert kept.exit_code == 0 and len(ids(out)) == 5  # without --prune nothing is dropped
    pruned = run(str(one), "--out", str(out), "--prune")
    assert pruned.exit_code == 0 and "dropped 4 stored records" in pruned.stderr
    assert ids(out) == [one.stem]
    assert (out / "digest.vi.md").read_text(encoding="utf-8").count("\n## ") == 1


def test_a_rerun_that_changes_nothing_leaves_the_digests_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0
    digest = out / "digest.html"
    os.utime(digest, (1, 1))
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0
    assert digest.stat().st_mtime == 1  # not rebuilt: the store did not change
    (tmp_path / "new.txt").write_text("Sáng nay, Hà Nội khai mạc hội nghị về kinh tế. Hội nghị bàn về việc làm.",
                                      encoding="utf-8")
    assert run(str(tmp_path / "new.txt"), "--out", str(out)).exit_code == 0
    assert digest.stat().st_mtime > 1 and "new" in ids(out)


def test_ctrl_c_while_reading_keeps_what_is_done_and_says_so(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles stream from the reader through the stages: an interrupt in the middle of reading keeps the groups
    already finished, and the closing line says how many."""
    import vnsumm.cleaning.rules
    import vnsumm.readers.jsonl

    monkeypatch.setattr(vnsumm.cleaning.rules, "COMMON_SAMPLE", 8)  # a sample smaller than the run, as in a bulk run
    feed = tmp_path / "feed.jsonl"
    text = (SEEDS / "001_90ddfd1562c07cf7.txt").read_text(encoding="utf-8")
    feed.write_text("".join(json.dumps({"id": f"a{i}", "text": text}, ensure_ascii=False) + "\n"
                            for i in range(40)), encoding="utf-8")
    real_row = vnsumm.readers.jsonl.row_article
    calls = 0

    def row_then_interrupt(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 30:
            raise KeyboardInterrupt
        return real_row(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vnsumm.readers.jsonl, "row_article", row_then_interrupt)
    out = tmp_path / "out"
    done = run(str(feed), "--out", str(out), "--write-every", "4")
    assert done.exit_code == 130
    assert "interrupted: 28 articles done and saved" in done.stderr, done.stderr
    assert "run the same command again to resume" in done.stderr
    assert ids(out) == sorted(f"a{i}" for i in range(28))
    calls = 0
    forced = run(str(feed), "--out", str(out), "--write-every", "4", "--force")  # resuming keeps --force from
    assert forced.exit_code == 130  # redoing the articles it already redid: the line says so
    assert "run the same command again without --force to resume" in forced.stderr, forced.stderr


def test_csv_input_writes_nothing_into_the_datasets_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv

    cache = tmp_path / "datasets-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    feed = tmp_path / "feed.csv"
    with feed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text"])
        writer.writeheader()
        writer.writerow({"id": "c1", "text": (SEEDS / "001_90ddfd1562c07cf7.txt").read_text(encoding="utf-8")})
    done = subprocess.run([sys.executable, "-m", "vnsumm", "run", str(feed), "--lang", "vi", "--summarizer",
                           "extractive", "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ}, check=False)
    assert done.returncode == 0, done.stderr
    assert ids(tmp_path / "out") == ["c1"]
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_setting_a_new_field_value_edits_lines_exactly_as_parsing_and_rewriting_them_would(tmp_path: Path) -> None:
    """Story ids are set on every record by editing its line as text: the file is what dumping each changed record
    again gives, whatever its strings hold (quotes, backslashes, the key's own text, surrogates, U+2028)."""
    from vnsumm.jsonl import dump_line
    from vnsumm.records import Article

    tricky = ['a "quoted" id', "back\\slash\\", 'text, "story": null, "x', "line\u2028sep", "Hoà Bình", "lone\ud800"]
    articles = [Article(id=f"{i}-{value}", source="s.txt", text=value, title=value, summary_vi=value,
                        story=None if i % 2 else f'old "{value}"', warnings=[f', "story": "{value}"'])
                for i, value in enumerate(tricky)]
    store = OutputStore(tmp_path)
    with store.open():
        store.append(articles)
        lines = [line + "\n" for line in (tmp_path / "summaries.jsonl").read_text(encoding="utf-8").split("\n")[:-1]]
        # One line from elsewhere, keys in another order: it is parsed instead, with the same result.
        odd = {"source": "s.txt", "id": "odd", "text": "x", "story": None}
        (tmp_path / "summaries.jsonl").write_text("".join(lines) + json.dumps(odd) + "\n", encoding="utf-8")
        records = [json.loads(line) for line in lines] + [odd]  # ids as stored (a lone surrogate is U+FFFD)
        values = {r["id"]: f'new "{r["id"]}" \\ \ud800' for r in records[1:]}
        assert store.set_field("story", values, all_new=True) == len(values)
        got = (tmp_path / "summaries.jsonl").read_text(encoding="utf-8")
    expected = "".join(line if r["id"] not in values else dump_line({**r, "story": values[r["id"]]})
                       for line, r in zip([*lines, json.dumps(odd) + "\n"], records, strict=True))
    assert got == expected
    assert [json.loads(line)["story"] for line in got.split("\n")[:-1]] == \
        [articles[0].story, *(values[r["id"]].replace("\ud800", "\ufffd") for r in records[1:])]


def test_overlapping_exports_read_in_one_run_store_each_article_once(tmp_path: Path) -> None:
    """Monday's and Tuesday's exports share rows: a row whose id and content were read already is read once; a
    row reusing an id for other content is kept beside it, renamed."""
    text = (SEEDS / "001_90ddfd1562c07cf7.txt").read_text(encoding="utf-8")
    other = (SEEDS / "004_eec55141b9a6cb32.txt").read_text(encoding="utf-8")
    monday, tuesday = tmp_path / "monday.jsonl", tmp_path / "tuesday.jsonl"
    monday.write_text("".join(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n" for i in ("a", "b")),
                      encoding="utf-8")
    tuesday.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                               for i, t in (("b", text), ("c", text), ("a", other))), encoding="utf-8")
    wednesday = tmp_path / "wednesday.jsonl"
    wednesday.write_text(json.dumps({"id": "a", "text": other}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run(str(monday), str(tuesday), str(wednesday), "--out", str(out))
    assert done.exit_code == 0, done.stderr
    assert ids(out) == ["a", "a~1", "b", "c"]  # Wednesday's "a" is Tuesday's, renamed or not
    assert "2 rows repeat the id and content of a row read before in this run, read once" in done.stderr


def test_a_line_torn_by_a_killed_run_is_cut_said_and_its_article_done_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(SEEDS), "--out", str(out)).exit_code == 0
    store = out / "summaries.jsonl"
    lines = store.read_bytes().splitlines(keepends=True)
    store.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])  # the last record half written
    done = run(str(SEEDS), "--out", str(out))
    assert done.exit_code == 0
    assert f"cut the last line of {store} (40 bytes), torn by a run that was killed while writing it" in done.stderr
    assert "(4 reused from an earlier run)" in done.stderr and len(ids(out)) == 5

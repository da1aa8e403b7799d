"""The CLI: options and exit codes in-process (typer's runner); one real subprocess for a user's first run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT, read_jsonl, vnsumm
from typer.testing import CliRunner

from vnsumm.cli import app

runner = CliRunner()

FIELDS = {"id", "source", "title", "date", "summary_vi", "summary_en", "title_en", "summarizer", "translator",
          "error", "warnings"}
SEED_IDS = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))


def test_extractive_vi_run_offline(tmp_path: Path) -> None:
    done = runner.invoke(app, ["run", str(ROOT / "seeds"), "--lang", "vi", "--summarizer", "extractive",
                               "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    records = read_jsonl(tmp_path / "summaries.jsonl")
    assert sorted(r["id"] for r in records) == SEED_IDS
    for record in records:
        assert set(record) >= FIELDS
        assert record["error"] is None and record["summary_vi"] and record["summary_en"] is None
        assert record["summarizer"]["name"] == "extractive"
    digest = (tmp_path / "digest.vi.md").read_text(encoding="utf-8")
    assert digest.count("\n## ") == 5 and "Tiếng Việt" in digest
    by_id = {r["id"]: r for r in records}
    assert by_id["001_90ddfd1562c07cf7"]["date"] == "2020-08-07"
    assert by_id["004_eec55141b9a6cb32"]["title"].startswith("Bám sát hướng dẫn")


def test_english_run_with_tiny_models_writes_bilingual_records(tiny_registry: Path, tmp_path: Path) -> None:
    done = runner.invoke(app, ["run", str(ROOT / "seeds"), "--lang", "en", "--models", str(tiny_registry),
                               "--out", str(tmp_path), "--device", "cpu"])
    assert done.exit_code == 0, done.output
    records = read_jsonl(tmp_path / "summaries.jsonl")
    assert sorted(r["id"] for r in records) == SEED_IDS
    for record in records:
        assert isinstance(record["summary_vi"], str) and isinstance(record["summary_en"], str)
        assert record["summarizer"]["name"] == "tiny-vit5"
        assert record["summarizer"]["model"] == str(tiny_registry.parent / "vit5")
        assert record["translator"]["name"] == "tiny-envit5"
        assert record["summarizer"]["compute_type"] in ("float32", "bfloat16")
        assert (record["title_en"] is None) == (record["title"] is None)
    digest = (tmp_path / "digest.en.md").read_text(encoding="utf-8")
    assert digest.count("**English:**") == 5 and digest.count("**Tiếng Việt:**") == 5
    assert "Bám sát hướng dẫn" in digest  # Vietnamese title beside the English one


def test_default_models_without_weights_fail_in_one_line(tmp_path: Path) -> None:
    done = vnsumm("run", "seeds/", "--lang", "en", "--out", str(tmp_path), env={"HF_HUB_OFFLINE": "1"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "VietAI/vit5-base-vietnews-summarization" in lines[0] and "vnsumm models pull vit5-base" in lines[0]
    assert "offline mode is on (HF_HUB_OFFLINE)" in lines[0]
    assert "`--lang vi --summarizer extractive`" in lines[0]  # the way that works offline, named
    assert not (tmp_path / "summaries.jsonl").exists()  # nothing half-written


def test_unreachable_hub_fails_fast_in_one_line(tmp_path: Path) -> None:
    done = vnsumm("run", "seeds/", "--lang", "en", "--out", str(tmp_path),
                  env={"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "hub cannot be reached" in line and "vnsumm models pull vit5-base" in line


def test_unknown_model_name_and_bad_registry_exit_2(tmp_path: Path) -> None:
    done = runner.invoke(app, ["run", str(ROOT / "seeds"), "--summarizer", "gpt-9", "--out", str(tmp_path),
                               "--models", str(ROOT / "models.yaml")])
    assert done.exit_code == 2 and "unknown summarizer 'gpt-9'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("summarizers: [unclosed\n")
    done = runner.invoke(app, ["run", str(ROOT / "seeds"), "--models", str(bad), "--out", str(tmp_path)])
    assert done.exit_code == 2 and "not valid YAML" in done.stderr
    done = runner.invoke(app, ["run", "no/such/folder", "--summarizer", "extractive", "--out", str(tmp_path)])
    assert done.exit_code == 2 and "no/such/folder" in done.stderr


def test_choices_are_checked(tmp_path: Path) -> None:
    """--device gpu, --lang fr, --engine spark and --format jsonl are refused (they used to be accepted)."""
    for option, value in (("--device", "gpu"), ("--lang", "fr"), ("--engine", "spark"), ("--format", "jsonl")):
        done = runner.invoke(app, ["run", str(ROOT / "seeds"), "--summarizer", "extractive", option, value,
                                   "--out", str(tmp_path)])
        assert done.exit_code == 2 and value in done.output, (option, done.output)
    assert not (tmp_path / "summaries.jsonl").exists()


def test_help_shows_the_ray_extra() -> None:
    done = runner.invoke(app, ["run", "--help"], terminal_width=200, env={"COLUMNS": "200"})  # one line each
    assert "vnsumm[ray]" in done.output


def test_models_list_and_check(tiny_registry: Path) -> None:
    listed = runner.invoke(app, ["models", "list", "--models", str(ROOT / "models.yaml")])
    assert listed.exit_code == 0
    for name in ("vit5-base", "vit5-large", "envit5", "opus-mt", "vinai-v2", "AGPL"):
        assert name in listed.stdout
    checked = runner.invoke(app, ["models", "check", "--models", str(tiny_registry)])
    assert checked.exit_code == 0 and checked.stdout.count("ok ") == 8  # 7 local folders and the extractive one
    missing = vnsumm("models", "check", "--models", str(ROOT / "models.yaml"), env={"HF_HUB_OFFLINE": "1"})
    assert missing.returncode == 1 and "missing  vit5-base" in missing.stdout
    assert "offline mode" not in missing.stdout  # the check never downloads: offline mode is not why
    assert "ok       extractive: embedded in vnsumm, runs offline" in missing.stdout


def test_version_is_one_line() -> None:
    from vnsumm.version import __version__

    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0 and done.output == f"vnsumm {__version__}\n"


def test_usage_errors_are_one_line_naming_the_command(tmp_path: Path) -> None:
    """Unknown options, bad choices, a missing argument, an unknown command, an empty --out: one line on stderr,
    exit 2, never a boxed panel (real processes: the panel was typer's own error printing)."""
    cases = [(("run", "seeds/", "--bogus"), "vnsumm run: error: No such option"),
             (("run", "seeds/", "--lang", "xx"), "vnsumm run: error: Invalid value for '--lang'"),
             (("run",), "vnsumm run: error: Missing argument"),
             (("frobnicate",), "vnsumm: error: No such command 'frobnicate'"),
             (("run", "seeds/", "--out", ""), "vnsumm run: error: Invalid value for '--out': is empty"),
             (("group", "seeds/001.txt", "--out", " "), "vnsumm group: error: Invalid value for '--out': is empty")]
    for args, start in cases:
        done = vnsumm(*args, cwd=ROOT)
        [line] = done.stderr.strip().splitlines()
        assert done.returncode == 2 and line.startswith(start) and "--help" in line, (args, done.stderr)
        assert "╭" not in done.stderr and "Traceback" not in done.stderr
    assert not (ROOT / "summaries.jsonl").exists()  # the empty --out did not write into the current folder


def test_help_shows_no_metavar_for_flags() -> None:
    done = runner.invoke(app, ["run", "--help"], terminal_width=200, env={"COLUMNS": "200"})
    force = next(line for line in done.output.splitlines() if "--force" in line)
    assert "--no-force" in force and "<bool>" not in done.output


def test_file_commands_name_what_the_path_is(tmp_path: Path) -> None:
    """A folder or a FIFO given where a file is expected is named as such, at once (a FIFO would block)."""
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    out = ["--out", str(tmp_path / "o")]
    for path, said in ((tmp_path, "is a folder, not a regular file"),
                       (fifo, "is a FIFO (named pipe), not a regular file"),
                       (tmp_path / "missing.jsonl", "no such file")):
        for args in (["check", str(path), *out], ["group", str(path), *out], ["summarize-stories", str(path), *out],
                     ["score", str(path), str(tmp_path / "x.jsonl")], ["eval", "--dataset", str(path), *out]):
            done = runner.invoke(app, args)
            assert done.exit_code == 2 and said in done.stderr, (args, done.stderr)


def test_score_says_when_predictions_lack_the_field(tmp_path: Path) -> None:
    """`score --lang en` on records without summary_en used to print a table of zeros."""
    predictions, references = tmp_path / "p.jsonl", tmp_path / "g.jsonl"
    predictions.write_text('{"id": "a", "summary_vi": "Xin chào"}\n', encoding="utf-8")
    references.write_text('{"id": "a", "summary": "Hello"}\n', encoding="utf-8")
    done = runner.invoke(app, ["score", str(predictions), str(references), "--lang", "en"])
    assert done.exit_code == 2 and "no record has the field 'summary_en'" in done.stderr
    assert "0.00" not in done.output


def test_warnings_keep_their_limits_and_renames_are_said_on_reruns(tmp_path: Path) -> None:
    """A summary line names the limit (not `N`) and the first article's details; a renamed id is announced again
    when its article is reused."""
    from vnsumm.readers.rows import MAX_ARTICLE_CHARS

    source = tmp_path / "a.jsonl"
    text = "Hà Nội hôm nay có mưa lớn kéo dài suốt buổi chiều. " * (MAX_ARTICLE_CHARS // 40)
    rows = [{"id": "a", "title": "Mưa", "text": text}, {"id": "a", "title": "Mưa", "text": "Giá vàng tăng mạnh."}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = ["run", str(source), "--lang", "vi", "--summarizer", "extractive", "--out", str(tmp_path / "out")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert f"warning: 1 article: article too long: only the first {MAX_ARTICLE_CHARS:,} characters" in first.stderr
    assert "warning: 1 article: duplicate id renamed (a to a~1)" in first.stderr
    again = runner.invoke(app, args)
    assert "2 reused" in again.stderr and "duplicate id renamed (a to a~1)" in again.stderr


def test_a_bug_is_exit_2_with_its_traceback_not_exit_1(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import vnsumm.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(vnsumm.pipeline, "run", broken)
    result = runner.invoke(app, ["run", str(ROOT / "seeds"), "--lang", "vi", "--summarizer", "extractive",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2  # 1 means "some inputs failed, each has an error record": not this
    assert "Traceback" in result.stderr and "vnsumm: error: unexpected ZeroDivisionError" in result.stderr


def test_an_unattended_runs_log_gets_a_progress_line_with_rate_and_time_left(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    from rich.console import Console

    import vnsumm.progress
    from vnsumm.progress import RichProgress

    clock = iter([100.0, 110.0, 131.0, 140.0, 200.0])  # start, then one reading per advance
    monkeypatch.setattr(vnsumm.progress.time, "monotonic", lambda: next(clock))
    log = io.StringIO()
    progress = RichProgress("summarizing", Console(file=log, force_terminal=False), every=30.0)
    progress.start(1000)
    for done in (100, 200, 100, 600):  # at 10 s, 31 s, 40 s, 100 s
        progress.advance(done)
    progress.stop()
    assert [line for line in log.getvalue().splitlines() if line.strip()] == [  # older rich ends on a blank line
        "summarizing: 300 of about 1,000 articles (9.7/s, about 1 min left)",  # 31 s in: the first line
        "summarizing: 1,000 articles (10.0/s)",  # 30 s later, the total reached
    ]


def test_a_closed_standard_output_is_one_line_exit_2_not_a_bug() -> None:
    """`vnsumm models list | head -1`: the reader leaves before vnsumm writes. (Help and `--version` are written
    while parsing, where click and typer answer a closed output themselves, with exit 1.)"""
    command = ["models", "list"]
    reader, writer = os.pipe()
    os.close(reader)  # closed before the child writes: its first write fails with EPIPE
    try:
        done = subprocess.run([sys.executable, "-m", "vnsumm.cli", *command], cwd=ROOT, stdout=writer,
                              stderr=subprocess.PIPE, timeout=120)
        both = subprocess.run([sys.executable, "-m", "vnsumm.cli", *command], cwd=ROOT, stdout=writer,
                              stderr=writer, timeout=120)  # `2>&1 | head`: nowhere to say it
    finally:
        os.close(writer)
    assert both.returncode == 2
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr and stderr.strip().splitlines() == [
        "vnsumm: error: standard output was closed before all of it was written"]


def test_a_wrong_text_field_says_twenty_failures_then_counts_the_rest(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"id": f"r{i}", "content": "Hà Nội mưa lớn."}) + "\n" for i in range(30)),
                    encoding="utf-8")
    done = runner.invoke(app, ["run", str(rows), "--lang", "vi", "--summarizer", "extractive",
                               "--out", str(tmp_path / "out")])
    assert done.exit_code == 1
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 21 and "no field 'text'" in failed[0]
    assert failed[-1] == f"failed: 10 more inputs (each has its error record in {tmp_path / 'out' / 'summaries.jsonl'})"
    assert len(read_jsonl(tmp_path / "out" / "summaries.jsonl")) == 30

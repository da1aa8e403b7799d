"""The CLI: options and exit codes in-process (typer's runner); one real subprocess for a user's first run."""

from __future__ import annotations

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
    assert checked.exit_code == 0 and checked.stdout.count("ok ") == 7  # 6 local folders and the extractive one
    missing = vnsumm("models", "check", "--models", str(ROOT / "models.yaml"), env={"HF_HUB_OFFLINE": "1"})
    assert missing.returncode == 1 and "missing  vit5-base" in missing.stdout
    assert "ok       extractive: embedded in vnsumm, runs offline" in missing.stdout


def test_version_is_one_line() -> None:
    from vnsumm.version import __version__

    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0 and done.output == f"vnsumm {__version__}\n"

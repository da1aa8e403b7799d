"""The Ray Data engine on a local cluster: the same records as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT, read_jsonl, vnsumm


def make_articles(path: Path, count: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            lead = f"Sáng {1 + i % 28}/5/2020, hội nghị thứ {i} của tỉnh đã bàn về {i * 7} dự án mới."
            text = lead + "\n\n" + seeds[i % len(seeds)]
            out.write(json.dumps({"id": f"r{i:03d}", "text": text}, ensure_ascii=False) + "\n")
    with path.open("a", encoding="utf-8") as out:
        out.write("{not json\n")  # error records must match too


def by_id(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl(path)}


def test_ray_engine_matches_local_engine_on_100_articles(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    make_articles(articles, 100)
    common = ("run", str(articles), "--lang", "vi", "--summarizer", "extractive")
    local = vnsumm(*common, "--out", str(tmp_path / "local"))
    distributed = vnsumm(*common, "--out", str(tmp_path / "ray"), "--engine", "ray", "--write-every", "10")
    assert local.returncode == distributed.returncode == 1, distributed.stderr  # the broken line
    expected, actual = by_id(tmp_path / "local" / "summaries.jsonl"), by_id(tmp_path / "ray" / "summaries.jsonl")
    assert len(actual) == 101 and actual == expected
    assert "Traceback" not in distributed.stderr


def test_ray_engine_with_models_summarizes_and_translates(tiny_registry: Path, tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    make_articles(articles, 6)
    common = ("run", str(articles), "--lang", "en", "--models", str(tiny_registry), "--device", "cpu",
              "--unsupported", "fallback")
    local = vnsumm(*common, "--out", str(tmp_path / "local"))
    distributed = vnsumm(*common, "--out", str(tmp_path / "ray"), "--engine", "ray", "--ray-workers", "1")
    assert local.returncode == distributed.returncode == 1, distributed.stderr
    expected, actual = by_id(tmp_path / "local" / "summaries.jsonl"), by_id(tmp_path / "ray" / "summaries.jsonl")
    assert actual.keys() == expected.keys()
    for key, record in expected.items():
        for field in ("summary_vi", "summary_en", "title_en", "error", "summarizer", "translator", "unsupported",
                      "warnings"):
            assert actual[key][field] == record[field], (key, field)
    assert (tmp_path / "ray" / "digest.en.md").exists()


def test_a_library_run_on_ray_leaves_the_callers_ray_as_it_was(tmp_path: Path) -> None:
    import ray

    from vnsumm import RunOptions, run

    articles = tmp_path / "articles.jsonl"
    make_articles(articles, 12)
    context = ray.data.DataContext.get_current()
    before = context.enable_progress_bars
    report = run([articles], RunOptions(lang="vi", summarizer="extractive", engine="ray", out=tmp_path / "out"))
    assert report.summarized == 12 and len(report.failed) == 1
    assert not ray.is_initialized()  # the cluster the run started is gone
    assert ray.data.DataContext.get_current().enable_progress_bars == before

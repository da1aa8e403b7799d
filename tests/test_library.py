"""vnsumm as a library: the CLI's names, checked options, no process-wide side effects, and the defects of 0.1."""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

import vnsumm
from vnsumm import ConfigError, ExtractiveParams, ExtractiveSummarizer, RunOptions, load_registry
from vnsumm.cli import app
from vnsumm.lang.text import split_sentences, syllables
from vnsumm.plan import serves, settings_key

SEEDS = ROOT / "seeds"


def test_run_is_the_cli_as_a_function(tmp_path: Path) -> None:
    report = vnsumm.run([SEEDS], RunOptions(lang="vi", summarizer="extractive", out=tmp_path,
                                            models=ROOT / "models.yaml"))
    assert (report.total, report.summarized, report.exit_code) == (5, 5, 0)
    again = vnsumm.run([SEEDS], RunOptions(lang="vi", summarizer="extractive", out=tmp_path,
                                           models=ROOT / "models.yaml"))
    assert (again.summarized, again.reused) == (0, 5)


def test_a_library_run_leaves_the_process_alone_unless_it_owns_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's run tunes its own process (library logs quieted); the same call from a program does not."""
    hub = logging.getLogger("huggingface_hub")
    monkeypatch.setattr(hub, "level", logging.NOTSET)  # restored after the test, whatever the run sets
    monkeypatch.delenv("TRANSFORMERS_VERBOSITY", raising=False)
    options = RunOptions(lang="vi", summarizer="extractive", models=ROOT / "models.yaml")
    vnsumm.run([SEEDS], replace(options, out=tmp_path / "library"))
    assert hub.level == logging.NOTSET and "TRANSFORMERS_VERBOSITY" not in os.environ
    vnsumm.run([SEEDS], replace(options, out=tmp_path / "owned"), own_process=True)
    assert hub.level == logging.ERROR and os.environ["TRANSFORMERS_VERBOSITY"] == "error"


def test_options_are_checked_as_the_cli_checks_them() -> None:
    for bad in ({"device": "gpu"}, {"lang": "fr"}, {"engine": "spark"}, {"formats": ("jsonl",)}, {"write_every": 0}):
        with pytest.raises(ConfigError):
            RunOptions(**bad)  # type: ignore[arg-type]


def test_loading_a_model_changes_nothing_process_wide(tiny_registry: Path) -> None:
    import torch

    threads, level = torch.get_num_threads(), logging.getLogger("transformers").level
    vnsumm.Seq2SeqGenerator(load_registry(tiny_registry).summarizer("tiny-vit5"), vnsumm.Runtime("cpu"))
    assert torch.get_num_threads() == threads and logging.getLogger("transformers").level == level


def test_licence_and_source_notes_do_not_redo_summaries() -> None:
    spec = load_registry(ROOT / "models.yaml").summarizer("vit5-base")
    key = settings_key(spec, None, "vi")
    assert settings_key(spec.model_copy(update={"licence": "edited", "source": "edited"}), None, "vi") == key
    assert settings_key(spec.model_copy(update={"prefix": "vietnews: "}), None, "vi") != key


def test_an_english_record_serves_a_vietnamese_run_of_its_summarizer_and_older_english_keys_still_count() -> None:
    registry = load_registry(ROOT / "models.yaml")
    summarizer, translator = registry.summarizer("vit5-base"), registry.translator("envit5")
    vietnamese, english = settings_key(summarizer, None, "vi"), settings_key(summarizer, translator, "en")
    import hashlib
    import json

    from vnsumm.version import __version__

    # An English record's key before keys were split: the hash of the whole, built as it was then.
    payload = json.dumps([__version__, summarizer.shaping(), translator.shaping(), "en"], sort_keys=True, default=str)
    older = hashlib.sha256(payload.encode()).hexdigest()[:12]
    assert serves(english, vietnamese) and serves(english, english) and serves(older, english)
    assert not serves(vietnamese, english)  # it has no translation
    other = settings_key(registry.summarizer("extractive"), None, "vi")
    assert not serves(english, other) and not serves(None, vietnamese)


def test_new_extractive_weights_redo_its_summaries(monkeypatch: pytest.MonkeyPatch) -> None:
    from vnsumm.models import extractive

    spec = load_registry(ROOT / "models.yaml").summarizer("extractive")
    key = settings_key(spec, None, "vi")
    assert settings_key(spec, None, "vi") == key
    shipped = extractive.fitted()
    monkeypatch.setattr(extractive, "fitted", lambda: {**shipped, "version": f"{shipped['version']}-next"})
    assert settings_key(spec, None, "vi") != key


def test_score_signature_names_version_and_seed() -> None:
    signature = vnsumm.score(["Hà Nội mưa to."], ["Hà Nội mưa."]).as_dict()["signature"]
    assert f"version:vnsumm-{vnsumm.__version__}" in signature and "seed:12345" in signature


def test_eval_works_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, ["eval", "--summarizer", "extractive", "--models", str(ROOT / "models.yaml"),
                                    "--out", str(tmp_path / "eval"), "--json"])
    assert done.exit_code == 0, done.output
    assert '"n": 5' in done.stdout


def test_html_reading_uses_no_deprecated_trafilatura_call(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    body = "".join(f"<p>{s}</p>" for s in split_sentences((SEEDS / "003_a8bbc42e34f2cb4c.txt").read_text()))
    page.write_text(f"<!DOCTYPE html><html><head><title>Tin</title></head><body><article>{body}</article></body>"
                    "</html>", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        [article] = vnsumm.read_inputs([page])
    assert article.ok and "Hội nghị" in article.text


def test_extractive_summarizer_takes_sentences_of_the_article_in_order() -> None:
    [cleaned] = vnsumm.clean_articles(vnsumm.read_inputs([SEEDS / "001_90ddfd1562c07cf7.txt"]))
    sentences = split_sentences(cleaned.text)
    short = ExtractiveSummarizer().summarize([cleaned.text], [cleaned.title])[0]
    long = ExtractiveSummarizer(ExtractiveParams(target_syllables=120, max_sentences=8)).summarize(
        [cleaned.text], [cleaned.title])[0]
    assert short and len(syllables(long)) > len(syllables(short))
    for summary in (short, long):
        picked = split_sentences(summary)
        positions = [sentences.index(s) for s in picked]  # every sentence is the article's own
        assert positions == sorted(positions)  # in article order
    assert ExtractiveSummarizer().summarize([cleaned.text], [cleaned.title])[0] == short  # deterministic
    with pytest.raises(ValueError):
        ExtractiveParams(weights={"no_such_feature": 1.0})  # type: ignore[dict-item]


def test_length_option_reaches_both_kinds_of_summarizer(tiny_registry: Path, tmp_path: Path) -> None:
    registry = load_registry(tiny_registry)
    seq2seq = registry.summarizer("tiny-vit5").with_length(vnsumm.Length.long)
    assert (seq2seq.generate["min_new_tokens"], seq2seq.generate["max_new_tokens"]) == (96, 256)
    assert registry.summarizer("tiny-vit5").with_length(None) == registry.summarizer("tiny-vit5")
    lengths = {}
    for length in ("short", "long"):
        out = tmp_path / length
        done = CliRunner().invoke(app, ["run", str(SEEDS), "--lang", "vi", "--summarizer", "extractive",
                                        "--length", length, "--out", str(out)])
        assert done.exit_code == 0, done.output
        records = [r for r in vnsumm.output.store.OutputStore(out).records().values()]
        lengths[length] = sum(len(syllables(r.summary_vi or "")) for r in records) / len(records)
    assert lengths["long"] > 1.5 * lengths["short"]  # seed sentences are long: short is one of them

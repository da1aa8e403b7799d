"""The run's plan and its stages: each stage alone over a batch, the plan in order, the check stage's fallback."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers import ROOT

from vnsumm import (
    Article,
    CheckStage,
    CleanStage,
    ExtractiveSpec,
    FactKind,
    ModelIdentity,
    RunOptions,
    SummarizeStage,
    TranslateStage,
    UnsupportedFact,
    load_registry,
    plan_run,
    read_inputs,
)
from vnsumm.backends import fallback_spec
from vnsumm.options import ARTICLES_PER_GROUP
from vnsumm.plan import ARTICLES_PER_GROUP_CUDA, ARTICLES_PER_GROUP_NO_MODEL, articles_per_group
from vnsumm.stages.compact import CompactStore
from vnsumm.stages.digest import WriteDigests
from vnsumm.stages.group import GroupStories
from vnsumm.stages.story_summaries import SummarizeStories

SEED = ROOT / "seeds" / "001_90ddfd1562c07cf7.txt"


def test_plan_lists_every_stage_in_order(tiny_registry: Path, tmp_path: Path) -> None:
    registry = load_registry(tiny_registry)
    english = plan_run(RunOptions(lang="en", out=tmp_path, summarizer="tiny-vit5", translator="tiny-envit5"),
                       registry)
    assert [s.name for s in english.stages] == ["clean", "summarize", "check", "translate", "check"]
    assert [s.fields for s in english.stages if isinstance(s, CheckStage)] == [("summary_vi",),
                                                                                ("summary_en", "title_en")]
    assert english.needs_models
    furniture = frozenset({"Quảng cáo"})
    seen = english.seeing(furniture)  # the lines the first articles repeat reach the clean stage alone
    assert isinstance(seen.stages[0], CleanStage) and seen.stages[0].common == furniture
    assert isinstance(english.stages[0], CleanStage) and not english.stages[0].common
    assert seen.stages[1:] == english.stages[1:] and seen.stages[1] is english.stages[1]  # models load once
    assert [type(s) for s in english.store_steps] == [CompactStore, GroupStories, SummarizeStories, WriteDigests]
    # The embedded summarizer copies sentences of its article: nothing to check, no model, no translation in vi.
    extractive = plan_run(RunOptions(lang="vi", out=tmp_path, summarizer="extractive", group=False), registry)
    assert [s.name for s in extractive.stages] == ["clean", "summarize"]
    assert not extractive.needs_models
    assert [type(s) for s in extractive.store_steps] == [CompactStore, WriteDigests]
    fallback = plan_run(RunOptions(lang="vi", out=tmp_path, summarizer="tiny-vit5", unsupported="fallback",
                                   length="short"), registry)
    check = fallback.stages[2]
    assert isinstance(check, CheckStage) and check.fallback is not None
    assert check.fallback.params["target_syllables"] == 20  # the length the user asked for
    assert fallback.settings != plan_run(RunOptions(lang="vi", summarizer="tiny-vit5", length="short"),
                                         registry).settings


def test_groups_are_sized_by_where_the_work_runs(tiny_registry: Path) -> None:
    registry = load_registry(tiny_registry)

    def group(**given: Any) -> int:
        options = RunOptions(lang="vi", **given)
        return articles_per_group(plan_run(options, registry), options)

    assert group(summarizer="tiny-vit5", device="cuda") == ARTICLES_PER_GROUP_CUDA
    assert group(summarizer="tiny-vit5", device="cpu") == ARTICLES_PER_GROUP
    # No model: nothing on the GPU, and a group of articles is milliseconds of work.
    assert group(summarizer="extractive", device="cuda") == ARTICLES_PER_GROUP_NO_MODEL
    assert group(summarizer="extractive", write_every=16) == 16
    assert group(summarizer="tiny-vit5", device="cuda", write_every=5) == 5  # --write-every wins


def test_stages_run_alone_over_a_batch(tiny_registry: Path) -> None:
    registry = load_registry(tiny_registry)
    raw = read_inputs([SEED])
    cleaned = CleanStage()(raw)
    assert cleaned[0].text != raw[0].text and cleaned[0].ok
    summarized = SummarizeStage(ExtractiveSpec(name="extractive"))(cleaned)
    identity = summarized[0].summarizer
    assert summarized[0].summary_vi and identity and (identity.name, identity.backend) == ("extractive", "extractive")
    translate = TranslateStage(registry.translator("tiny-envit5"))
    translate.setup()
    [english] = translate(summarized)
    assert english.summary_en is not None and english.translator and english.translator.name == "tiny-envit5"
    failed = Article(id="bad", source="x").fail("unreadable")
    assert translate([failed]) == [failed]  # failures pass through untouched


class Inventing:
    """A summarizer that states a figure its article lacks (as abstractive models do)."""

    def identity(self) -> ModelIdentity:
        return ModelIdentity("inventing", "test")

    def summarize(self, texts: Sequence[str], titles: object = None, progress: object = None) -> list[str]:
        return ["Tăng trưởng GDP đạt 6,8 % – 7,0 % trong năm nay." for _ in texts]


def test_check_stage_flags_or_falls_back_to_the_extractive_summary_and_says_so() -> None:
    from vnsumm.stages.summarize import summarize_articles

    [article] = CleanStage()(read_inputs([SEED]))
    [invented] = summarize_articles([article], Inventing())
    [flagged] = CheckStage(("summary_vi",))([invented])
    found = [(f.kind, f.text) for f in flagged.unsupported]
    assert ("percent", "6,8 %") in found and ("name", "GDP") in found  # (the article has a 7 of its own)
    assert flagged.summary_vi == invented.summary_vi
    [replaced] = CheckStage(("summary_vi",), fallback_spec(None))([invented])
    assert replaced.summarizer and replaced.summarizer.name == "extractive"
    assert replaced.summary_vi and all(line in article.text for line in replaced.summary_vi.splitlines())
    assert any("inventing summary stated what the article does not (6,8 %" in w for w in replaced.warnings)
    assert replaced.unsupported == []


def test_check_stage_keeps_what_an_earlier_check_found_for_other_fields() -> None:
    record = Article(id="a", source="a", text="Có 5 người.", summary_vi="Có 5 người.", summary_en="There were 7.",
                     unsupported=[UnsupportedFact("summary_vi", FactKind.NUMBER, "9")])
    [checked] = CheckStage(("summary_en",))([record])
    assert {(f.field, f.text) for f in checked.unsupported} == {("summary_vi", "9"), ("summary_en", "7")}

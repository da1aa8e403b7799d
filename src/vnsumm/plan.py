"""What a run does, in order, decided in one place from the options and the registry.

Per batch of articles (`RunPlan.stages`, run by a runner where it decides):
  clean -> summarize -> check the Vietnamese summary (with --unsupported fallback: re-summarize what it flags)
  -> translate (--lang en) -> check the English summary and title.
Then over the whole store (`RunPlan.store_steps`, in this process):
  compact -> group stories and summarize each from all its articles (--group) -> write the digests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from vnsumm.backends import ModelSpecBase, fallback_spec
from vnsumm.options import Lang, RunOptions, Unsupported
from vnsumm.records import ENGLISH_FIELDS
from vnsumm.registry import Registry
from vnsumm.stages.base import Stage
from vnsumm.stages.check import CheckStage
from vnsumm.stages.clean import CleanStage
from vnsumm.stages.compact import CompactStore
from vnsumm.stages.digest import WriteDigests
from vnsumm.stages.group import GroupStories
from vnsumm.stages.store_step import StoreStep
from vnsumm.stages.story_summaries import SummarizeStories
from vnsumm.stages.summarize import SummarizeStage
from vnsumm.stages.translate import TranslateStage
from vnsumm.version import __version__


def settings_key(summarizer: ModelSpecBase, translator: ModelSpecBase | None, lang: Lang | str,
                 unsupported: Unsupported | str = Unsupported.flag) -> str:
    """A short hash of what shapes a summary (vnsumm version, the entries' settings, language): a change redoes it.
    Licence and source notes do not shape outputs and are left out. An English run's key is the Vietnamese key of
    the same summarizer, `+`, the hash of the whole: a Vietnamese run reuses its records (translations kept)."""
    policy = [] if Unsupported(unsupported) == Unsupported.flag else [Unsupported(unsupported).value]

    def key(translated: ModelSpecBase | None, language: str) -> str:
        specs = [summarizer.shaping(), translated.shaping() if translated else None]
        payload = json.dumps([__version__, *specs, language, *policy], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    vietnamese = key(None, Lang.vi.value)
    return vietnamese if Lang(lang) == Lang.vi else f"{vietnamese}+{key(translator, Lang(lang).value)}"


def serves(stored: str | None, settings: str) -> bool:
    """Whether a record made under the `stored` settings key serves a run under `settings`: the same key; an English
    record for a Vietnamese run of the same summarizer; an English record stored before keys were split (its key is
    the English part of ours)."""
    return stored is not None and (stored == settings or stored.startswith(settings + "+")
                                   or settings.endswith("+" + stored))


@dataclass(frozen=True)
class RunPlan:
    stages: list[Stage]
    store_steps: list[StoreStep]
    settings: str  # what a stored record must carry to be reused by this run
    summarizer: ModelSpecBase
    translator: ModelSpecBase | None

    @property
    def needs_models(self) -> bool:
        return any(stage.needs_model for stage in self.stages)

    def seeing(self, common: frozenset[str]) -> RunPlan:
        """The plan whose clean stage drops `common`: lines repeated across the run's first articles (site
        furniture), known once the first articles are read."""
        return replace(self, stages=[replace(s, common=common) if isinstance(s, CleanStage) else s
                                     for s in self.stages])


# A GPU needs hundreds of articles in one batch to be busy (README, "Speed"); on a CPU a group takes seconds already.
ARTICLES_PER_GROUP_CUDA = 256
# Without a model an article takes about a millisecond: a group's saving and its trip to a worker cost more than its
# work in groups of 16 (README, "Bulk runs"), and 64 is still a tenth of a second of work.
ARTICLES_PER_GROUP_NO_MODEL = 64


def articles_per_group(plan: RunPlan, options: RunOptions) -> int:
    """`--write-every`, else by where the plan's models run. Asked once the process is tuned: it may import torch."""
    if options.write_every is not None:
        return options.write_every
    if not plan.needs_models:
        return ARTICLES_PER_GROUP_NO_MODEL
    specs = [plan.summarizer, plan.translator]
    on_gpu = any(spec.runs_on_cuda(options.device.value) for spec in specs if spec is not None)
    return ARTICLES_PER_GROUP_CUDA if on_gpu else options.group_size


def plan_run(options: RunOptions, registry: Registry) -> RunPlan:
    """The run's stages for `options` (`RunPlan.seeing` adds what the first articles show)."""
    runtime = options.runtime
    summarizer = registry.summarizer(options.summarizer).with_length(options.length)
    translator = registry.translator(options.translator) if options.lang == Lang.en else None
    fallback = fallback_spec(options.length) if options.unsupported == Unsupported.fallback else None
    summarize = SummarizeStage(summarizer, runtime)
    translate = TranslateStage(translator, runtime) if translator is not None else None
    stages: list[Stage] = [CleanStage(), summarize]
    if not summarizer.copies_source:  # sentences of the article state nothing it does not
        stages.append(CheckStage(("summary_vi",), fallback))
    if translate is not None:
        stages += [translate, CheckStage(ENGLISH_FIELDS)]
    store_steps: list[StoreStep] = [CompactStore()]
    if options.group:
        store_steps += [GroupStories(), SummarizeStories(summarize, translate, options.length)]
    store_steps.append(WriteDigests())
    return RunPlan(stages, store_steps, settings_key(summarizer, translator, options.lang, options.unsupported),
                   summarizer, translator)

"""Store-level story steps: group the store's articles into stories, then summarize each story from all its
articles into `stories.jsonl` (a story whose articles and settings did not change keeps its summary)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from vnsumm.options import Length
from vnsumm.output.store import write_lines_atomic
from vnsumm.records import Article
from vnsumm.stages.finish import StoreState, StoreStep
from vnsumm.stages.summarize import SummarizeStage
from vnsumm.stages.translate import TranslateStage

if TYPE_CHECKING:
    from vnsumm.stories.summaries import StorySummarizer, StorySummary

TRANSLATE_EVERY = 64  # story summaries translated in one batched call


class GroupStories(StoreStep):
    """Story ids over the whole store: today's articles may continue yesterday's stories."""

    name = "group"

    def __call__(self, state: StoreState) -> None:
        if not state.changed:
            return
        from vnsumm.stories.grouping import story_ids  # scikit-learn is imported only by runs that group

        ids: list[str] = []
        stored: list[str | None] = []

        def finished() -> Iterator[Article]:
            for record in state.store.iter_records():
                if record.ok:
                    ids.append(record.id)
                    stored.append(record.story)
                    yield record

        stories = story_ids(finished())  # streamed: the records are read once and not held
        changes = {key: new for key, new, old in zip(ids, stories, stored, strict=True) if new != old}
        state.store.set_field("story", changes, all_new=True)
        state.story_sizes = Counter(stories)


class SummarizeStories(StoreStep):
    """One summary per story of the store, drawn from all its articles (their first sentences, kept by the clean
    stage), in Vietnamese and, with a translator, in English; a one-article story's summary is its article's.
    Streamed: a story is summarized and written as soon as the store has given all its articles."""

    name = "summarize stories"

    def __init__(self, summarize: SummarizeStage, translate: TranslateStage | None, length: Length | None) -> None:
        self.summarize, self.translate, self.length = summarize, translate, length

    def __call__(self, state: StoreState) -> None:
        from vnsumm.stories.summaries import STORIES_FILE, StorySummarizer, read_story_summaries

        path = Path(state.options.out) / STORIES_FILE
        if path.exists() and not state.changed:
            state.outputs.append(path)
            return
        previous = {s.key: s for s in read_story_summaries(path)}
        sizes = state.story_sizes or Counter(r.story or r.id for r in state.store.iter_records() if r.ok)
        embedded = self.summarize.spec.copies_source  # sentences picked across the articles, no model
        summarizer = StorySummarizer(None if embedded else self.summarize.summarizer,
                                     self.translate.translator if self.translate else None,
                                     (self.length or Length.medium).value, None)
        waiting: dict[str, list[Article]] = {}

        def summaries() -> Iterator[str]:
            untranslated = []
            for record in state.store.iter_records():
                if not record.ok:
                    continue
                story = record.story or record.id
                members = waiting.setdefault(story, [])
                members.append(replace(record, text="\n".join(record.first_sentences) or record.lead or ""))
                if len(members) < sizes[story]:
                    continue
                del waiting[story]
                key = summarizer.key(members)
                done = previous.get(key) or summarizer.summarize(story, members, key)
                if summarizer.translator is not None and done.summary_en is None:
                    untranslated.append(done)
                    if len(untranslated) < TRANSLATE_EVERY:
                        continue
                    yield from self._translated(summarizer, untranslated)
                    untranslated = []
                else:
                    yield done.to_json() + "\n"
            yield from self._translated(summarizer, untranslated)

        write_lines_atomic(path, summaries())
        state.outputs.append(path)

    @staticmethod
    def _translated(summarizer: StorySummarizer, pending: list[StorySummary]) -> Iterator[str]:
        if not pending:
            return
        assert summarizer.translator is not None
        english = summarizer.translator.translate([s.summary_vi for s in pending])
        for summary, summary_en in zip(pending, english, strict=True):
            yield replace(summary, summary_en=summary_en).to_json() + "\n"

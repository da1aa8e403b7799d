"""Story summaries step: each story of the store summarized from all its articles into `stories.jsonl` (a story
whose articles and settings did not change keeps its summary)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vnsumm.options import Length
from vnsumm.output.store import write_lines_atomic, write_text_atomic
from vnsumm.records import Article
from vnsumm.runners.local import batches
from vnsumm.stages.store_step import StoreState, StoreStep
from vnsumm.stages.summarize import SummarizeStage
from vnsumm.stages.translate import TranslateStage

if TYPE_CHECKING:  # the story modules are imported only by runs that group
    from vnsumm.stories.record import StorySummary
    from vnsumm.stories.summaries import StorySummarizer

TRANSLATE_EVERY = 64  # story summaries translated in one batched call
STORIES_PER_BATCH = 32  # stories a worker is given at a time
STORIES_STAMP = ".vnsumm.stories"  # the store file's version `stories.jsonl` was made from


@dataclass
class SelectStories:
    """A worker's step (runners.processes.WorkerPool): the embedded summaries of a batch of stories; a reused
    summary passes through."""

    summarizer: StorySummarizer

    def setup(self) -> None:
        """Nothing to load: the embedded selection needs no model."""

    def __call__(self, batch: list[tuple[str, list[Article], str, StorySummary | None]]) -> list[StorySummary]:
        for _, members, _, _ in batch:
            for member in members:  # sent without their text: it is their first sentences (see `slim`)
                member.text = "\n".join(member.first_sentences) or member.lead or ""
        return [done or self.summarizer.summarize(story, members, key) for story, members, key, done in batch]

    @staticmethod
    def slim(members: list[Article]) -> list[Article]:
        """What the selection reads of a story's articles, and no more: what goes to a worker is pickled."""
        return [Article(id=m.id, source=m.source, title=m.title, title_en=m.title_en, lead=m.lead,
                        first_sentences=m.first_sentences, content_hash=m.content_hash) for m in members]


class SummarizeStories(StoreStep):
    """One summary per story of the store, drawn from all its articles (their first sentences, kept by the clean
    stage), in Vietnamese and, with a translator, in English; a one-article story's summary is its article's.
    Streamed: a story is summarized and written as soon as the store has given all its articles."""

    name = "summarize stories"

    def __init__(self, summarize: SummarizeStage, translate: TranslateStage | None, length: Length | None) -> None:
        self.summarize, self.translate, self.length = summarize, translate, length

    def __call__(self, state: StoreState) -> None:
        from vnsumm.stories.record import STORIES_FILE, read_story_summaries
        from vnsumm.stories.summaries import StorySummarizer, story_order

        path = Path(state.options.out) / STORIES_FILE
        stamp_file = Path(state.options.out) / STORIES_STAMP
        if path.exists() and not state.changed and stamp_file.exists() and \
                stamp_file.read_text(encoding="utf-8") == state.store.version():
            state.outputs.append(path)
            return
        previous = {s.key: s for s in read_story_summaries(path)}
        sizes = state.story_sizes or Counter(r.story or r.id for r in state.store.iter_records() if r.ok)
        embedded = self.summarize.spec.copies_source  # sentences picked across the articles, no model
        summarizer = StorySummarizer(None if embedded else self.summarize.summarizer,
                                     self.translate.translator if self.translate else None,
                                     (self.length or Length.medium).value, None)
        waiting: dict[str, list[Article]] = {}

        def complete() -> Iterator[tuple[str, list[Article], str, StorySummary | None]]:
            """Each story as soon as the store has given all its articles, with its summary when it is reused."""
            for record in state.store.iter_records():
                if not record.ok:
                    continue
                story = record.story or record.id
                members = waiting.setdefault(story, [])
                record.text = "\n".join(record.first_sentences) or record.lead or ""  # a fresh record: ours
                members.append(record)
                if len(members) == sizes[story]:
                    del waiting[story]
                    members = story_order(members)
                    key = summarizer.key(members)
                    yield story, members, key, previous.get(key)

        def summarized() -> Iterator[StorySummary]:
            def sent() -> Iterator[tuple[str, list[Article], str, StorySummary | None]]:
                for story, members, key, done in complete():
                    if done is None and len(members) == 1:  # its article's summary: nothing to select here
                        done = summarizer.summarize(story, members, key)
                    yield story, [] if done else SelectStories.slim(members), key, done

            # Model-free selection is CPU-bound Python: the run's worker processes may take it.
            selections = sum(n > 1 for n in sizes.values())
            for batch in state.spread(SelectStories(summarizer), batches(sent(), STORIES_PER_BATCH), selections):
                yield from batch

        def summaries() -> Generator[str, None, None]:
            untranslated = []
            for done in summarized():
                if summarizer.translator is not None and done.summary_en is None:
                    untranslated.append(done)
                    if len(untranslated) < TRANSLATE_EVERY:
                        continue
                    yield from self._translated(summarizer, untranslated)
                    untranslated = []
                else:
                    yield done.to_json() + "\n"
            yield from self._translated(summarizer, untranslated)

        lines = summaries()
        try:
            write_lines_atomic(path, lines)
        finally:  # workers end here, whatever happened
            lines.close()
        # Which store file these summaries were made from: a run stopped after grouping rewrote the store, and
        # before this step finished, leaves a stamp that no longer matches, and the next run makes them again.
        write_text_atomic(stamp_file, state.store.version())
        state.outputs.append(path)

    @staticmethod
    def _translated(summarizer: StorySummarizer, pending: list[StorySummary]) -> Iterator[str]:
        if not pending:
            return
        from vnsumm.stories.summaries import translated

        assert summarizer.translator is not None
        yield from (summary.to_json() + "\n" for summary in translated(summarizer.translator, pending))

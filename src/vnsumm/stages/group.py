"""Group step: story ids over the whole store (scikit-learn, in vnsumm.stories.grouping)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from vnsumm.records import Article
from vnsumm.stages.store_step import StoreState, StoreStep


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

        stories = story_ids(finished(), workers=state.workers)  # streamed: the records are read once, not held
        changes = {key: new for key, new, old in zip(ids, stories, stored, strict=True) if new != old}
        state.store.set_field("story", changes, all_new=True)
        state.story_sizes = Counter(stories)

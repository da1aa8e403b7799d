"""Digest step: the Markdown and HTML digests of every record in the store."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from vnsumm.output.digest import digest_name, shown, write_digests
from vnsumm.output.store import write_text_atomic
from vnsumm.stages.store_step import StoreState, StoreStep
from vnsumm.version import __version__

DIGEST_STAMP = ".vnsumm.digest"


class WriteDigests(StoreStep):
    """The digests of every record in the store, left as they are when they were made from this very store file
    with these options (a stamp of both says so)."""

    name = "digest"

    def _stamp(self, state: StoreState) -> str:
        options = state.options
        digest = hashlib.sha256(json.dumps([__version__, options.lang.value,
                                            [f.value for f in options.formats]]).encode())
        for path in (state.store.path, self._stories(state)):  # the digest shows both
            if path.exists():
                with path.open("rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
        return digest.hexdigest()

    @staticmethod
    def _stories(state: StoreState) -> Path:
        from vnsumm.stories.record import STORIES_FILE

        return Path(state.options.out) / STORIES_FILE

    def __call__(self, state: StoreState) -> None:
        options = state.options
        out = Path(options.out)
        paths = [out / digest_name(fmt, options.lang.value) for fmt in options.formats]
        stamp, stamp_file = self._stamp(state), out / DIGEST_STAMP
        if all(p.exists() for p in paths) and stamp_file.exists() and stamp_file.read_text() == stamp:
            state.outputs += paths
            return
        from vnsumm.stories.record import read_story_summaries

        summaries = {s.story: s for s in read_story_summaries(self._stories(state)) if len(s.articles) > 1}
        state.outputs += write_digests([shown(r) for r in state.store.iter_records()], out, options.formats,
                                       options.lang.value, summaries)
        write_text_atomic(stamp_file, stamp)

"""Digest step: the Markdown and HTML digests of every record in the store."""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from vnsumm.output.digest import digest_name, shown, write_digests
from vnsumm.output.digest.html import PAGES_FOLDER, remove_stale_pages
from vnsumm.output.store import write_text_atomic
from vnsumm.stages.store_step import StoreState, StoreStep
from vnsumm.version import __version__

DIGEST_STAMP = ".vnsumm.digest"  # {digest file: [its language, hash of the store it shows, vnsumm version]}


class WriteDigests(StoreStep):
    """The digests of every record in the store. One already made from this very store (records and story
    summaries) in this language by this version is left as it is. One an earlier run made in another format or
    language, from a store that has changed since, is removed with a notice: a digest in the folder always shows
    the store as it is (rewriting it instead would show the new articles untranslated, or in the wrong language)."""

    name = "digest"

    @staticmethod
    def _stories(state: StoreState) -> Path:
        from vnsumm.stories.record import STORIES_FILE

        return Path(state.options.out) / STORIES_FILE

    def _store_hash(self, state: StoreState) -> str:
        digest = hashlib.sha256()
        for path in (state.store.path, self._stories(state)):  # the digest shows both
            if path.exists():
                with path.open("rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
        return digest.hexdigest()

    def __call__(self, state: StoreState) -> None:
        options, lang = state.options, state.options.lang.value
        out = Path(options.out)
        stamp_file = out / DIGEST_STAMP
        stamps = _read_stamps(stamp_file, out)
        stamp = [lang, self._store_hash(state), __version__]
        names = [digest_name(fmt, lang) for fmt in options.formats]
        if not all((out / name).exists() and stamps.get(name) == stamp for name in names):
            from vnsumm.stories.record import read_story_summaries

            summaries = {s.story: s for s in read_story_summaries(self._stories(state)) if len(s.articles) > 1}
            write_digests([shown(r) for r in state.store.iter_records()], out, options.formats, lang, summaries)
            stamps.update(dict.fromkeys(names, stamp))
        for name, (its_lang, its_store, _) in list(stamps.items()):
            if name in names or its_store == stamp[1]:
                continue
            del stamps[name]
            if (out / name).exists():
                _remove_digest(out, name)
                options_again = f"--lang {its_lang} " * bool(its_lang) + "--format " + \
                    ("html" if name.endswith(".html") else "md")
                state.report.notices.append(f"removed {out / name}: the store has changed since it was made "
                                            f"({options_again} makes it again)")
        write_text_atomic(stamp_file, json.dumps(stamps))
        state.outputs += [out / name for name in names]


def _read_stamps(path: Path, out: Path) -> dict[str, list[str]]:
    """The stamps an earlier run left; none for a missing or damaged file. The one hash an older version left
    stamps its digests as made from an unknown store: each in the folder is remade or removed once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    try:
        stamps = json.loads(text)
    except ValueError:
        stamps = None
    if isinstance(stamps, dict):
        return {name: value for name, value in stamps.items() if isinstance(value, list) and len(value) == 3}
    from vnsumm.options import OutputFormat
    from vnsumm.output.digest.labels import LANGUAGES

    names = {digest_name(fmt, lang): lang if fmt == OutputFormat.md else "" for fmt in OutputFormat
             for lang in LANGUAGES}
    return {name: [lang, "", ""] for name, lang in names.items() if (out / name).exists()}


def _remove_digest(out: Path, name: str) -> None:
    (out / name).unlink()
    if name.endswith(".html"):
        remove_stale_pages(out, {})  # its day pages
        with contextlib.suppress(OSError):  # a folder the user put files in stays
            (out / PAGES_FOLDER).rmdir()

"""The whole job, stage by stage: read -> clean -> summarize -> translate -> store records -> digest.

Records are appended to the output store as each group of articles finishes, so an interrupted run keeps its
finished work, and a rerun reuses articles whose input and model settings are unchanged.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from vnsumm.clean import sample_common
from vnsumm.digest import digest_name, render, shown
from vnsumm.errors import ConfigError
from vnsumm.factcheck import check_article
from vnsumm.local_engine import Engine, ProgressSink, local_groups
from vnsumm.options import EngineName, Lang, RunOptions, RunReport
from vnsumm.readers import count_inputs, expand_inputs, iter_inputs
from vnsumm.records import Article
from vnsumm.registry import ModelSpec, load_registry
from vnsumm.store import Done, OutputStore, stored_source, write_text_atomic
from vnsumm.stories import story_ids
from vnsumm.summarize import with_length
from vnsumm.version import __version__

DIGEST_STAMP = ".vnsumm.digest"


def settings_key(summarizer: ModelSpec, translator: ModelSpec | None, lang: Lang | str,
                 unsupported: str = "flag") -> str:
    """A short hash of what shapes a summary (vnsumm version, the entries' settings, language): a change redoes it.
    Licence and source notes do not shape outputs and are left out."""
    specs = [summarizer.shaping(), translator.shaping() if translator else None]
    policy = [] if unsupported == "flag" else [unsupported]  # the default leaves earlier keys as they were
    payload = json.dumps([__version__, *specs, Lang(lang).value, *policy], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def is_reusable(previous: Done | None, article: Article, settings: str) -> bool:
    return previous is not None and previous.ok and previous.content_hash == article.content_hash \
        and previous.settings == settings


def pick_engine(options: RunOptions) -> Engine:
    if options.engine == EngineName.ray:
        from vnsumm.ray_engine import ray_groups

        return ray_groups
    return local_groups


def digest_paths(options: RunOptions) -> list[Path]:
    """The digests' main files in the output folder, one per format."""
    return [Path(options.out) / digest_name(f.value, options.lang.value) for f in options.formats]


def write_digests(records: Iterable[Article], options: RunOptions) -> list[Path]:
    """Digests of every record in the store (this run's and earlier runs'); returns their main files. Pages of
    an earlier, larger digest that this one no longer has are removed."""
    records = list(records)
    out = Path(options.out)
    for fmt in options.formats:
        pages = render(fmt.value, records, options.lang.value)
        for relative, content in pages.items():
            write_text_atomic(out / relative, content)
        if fmt.value == "html":
            for stale in (out / "digest").glob("*.html"):
                if f"digest/{stale.name}" not in pages:
                    stale.unlink()
    return digest_paths(options)


def regroup(store: OutputStore) -> None:
    """Story ids for every finished record of the store, from what grouping reads of them (title, lead, date)."""
    ids: list[str] = []

    def finished() -> Iterator[Article]:
        for record in store.iter_records():
            if record.ok:
                ids.append(record.id)
                yield record

    stories = story_ids(finished())  # streamed: the records are read once and not held
    store.set_field("story", dict(zip(ids, stories, strict=True)))


def _digests_current(store: OutputStore, options: RunOptions) -> tuple[bool, str]:
    """Whether the digests on disk were made from exactly this store file with these options (a rerun that
    changed nothing leaves them as they are), and the stamp that says so."""
    digest = hashlib.sha256(json.dumps([__version__, options.lang.value, [f.value for f in options.formats]]).encode())
    if store.path.exists():
        with store.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    stamp = digest.hexdigest()
    stamp_file = Path(options.out) / DIGEST_STAMP
    current = all(p.exists() for p in digest_paths(options)) and stamp_file.exists() and stamp_file.read_text() == stamp
    return current, stamp


def run(inputs: Sequence[str | Path], options: RunOptions | None = None,
        progress: ProgressSink | None = None) -> RunReport:
    """Run the pipeline over `inputs` (files, folders, globs, `-`) into the store in options.out, then write the
    digests. A ConfigError (usage, models, output folder) is raised before any record is touched.

    Articles stream through in groups of `options.write_every`: memory holds a group, a sample of the first
    clean.COMMON_SAMPLE articles (lines repeated across them are site furniture) and an index of ids, never the
    run."""
    options = options or RunOptions()
    registry = load_registry(options.models)
    summarizer_spec = with_length(registry.summarizer(options.summarizer), options.length and options.length.value)
    translator_spec = registry.translator(options.translator) if options.lang == Lang.en else None
    settings = settings_key(summarizer_spec, translator_spec, options.lang, options.unsupported.value)

    paths = expand_inputs(inputs, exclude=[options.out])
    report = RunReport()
    stream = iter_inputs(paths, options.fields, exclude=[options.out], stored=stored_source(options.out))
    try:
        common, articles = sample_common(replace(a, content_hash=a.fingerprint()) for a in stream)
        first = next(articles, None)
    except KeyboardInterrupt:
        report.interrupted = True
        return report
    if first is None:
        raise ConfigError(f"no articles found in {', '.join(map(str, inputs))}; {options.out} was not touched")
    store = OutputStore(options.out)
    seen: set[str] = set()
    with store.open():
        index = store.index()
        report.warnings.update(store.notices)
        previous = {} if options.force else index

        def pending() -> Iterator[Article]:
            """This run's articles that need work; the others are counted (and failures to read stored)."""
            for article in itertools.chain([first], articles):
                seen.add(article.id)
                report.total += 1
                if not article.ok:
                    store.append([article], index)
                    report.failed.append(article)
                    report.count_warnings([article])
                elif not is_reusable(previous.get(article.id), article, settings):
                    yield article
                    continue
                else:
                    report.reused += 1
                if progress:
                    progress.advance(1)

        # Models load (or are found missing) here, before the store is written to.
        groups = pick_engine(options)(pending(), common, summarizer_spec, translator_spec, options, progress)
        if progress:
            progress.start(count_inputs(paths))
        try:
            for group in groups:
                group = [replace(check_article(a), settings=settings) for a in group]
                store.append(group, index)
                report.summarized += sum(a.ok for a in group)
                report.failed.extend(a for a in group if not a.ok)
                report.count_warnings(group)
        except KeyboardInterrupt:
            report.interrupted = True
        if report.interrupted:  # exit at once: compaction, grouping and digests wait for the next run
            report.outputs = [store.path]
            return report
        if options.prune and stream.incomplete:  # their stored records stay: they were not read this time
            report.warnings[f"--prune skipped: not every input was read completely ({stream.incomplete[0]})"] += \
                len(stream.incomplete)
            options = replace(options, prune=False)
        try:
            report.outputs = [store.path, *finish(store, options, report, seen, index)]
        except KeyboardInterrupt:  # the records are saved; compaction, grouping and digests wait for the next run
            report.interrupted = True
            report.outputs = [store.path]
    return report


def finish(store: OutputStore, options: RunOptions, report: RunReport, seen: set[str],
           index: dict[str, Done]) -> list[Path]:
    """After the articles: compact the store (dropping ids not `seen` with --prune), regroup its stories, and
    rebuild the digests; each step only when the store changed. Returns the digests' main files."""
    store.note_failures()  # also checks that the file is still the one opened
    prune = options.prune and not report.interrupted
    if store.repeats or prune:  # otherwise every id is in the file once already
        report.pruned = store.compact((lambda key: key in seen) if prune else None)
    changed = store.changed or report.pruned or \
        any(done.ok and not done.grouped for done in index.values())
    if options.group and changed:  # over the whole store: today's articles may continue yesterday's stories
        regroup(store)
    current, stamp = _digests_current(store, options)
    if current:
        return digest_paths(options)
    digests = write_digests(map(shown, store.iter_records()), options)
    write_text_atomic(Path(options.out) / DIGEST_STAMP, stamp)
    return digests

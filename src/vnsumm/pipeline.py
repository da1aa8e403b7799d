"""The whole job, stage by stage: read -> clean -> summarize -> translate -> store records -> digest.

Records are appended to the output store as each group of articles finishes, so an interrupted run keeps its
finished work, and a rerun reuses articles whose input and model settings are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from vnsumm.clean import common_lines
from vnsumm.digest import digest_name, render
from vnsumm.errors import ConfigError
from vnsumm.io import read_inputs
from vnsumm.local_engine import Engine, ProgressSink, local_groups
from vnsumm.options import EngineName, Lang, RunOptions, RunReport
from vnsumm.records import Article
from vnsumm.registry import ModelSpec, load_registry
from vnsumm.store import OutputStore, write_text_atomic
from vnsumm.summarize import with_length
from vnsumm.version import __version__


def settings_key(summarizer: ModelSpec, translator: ModelSpec | None, lang: Lang | str) -> str:
    """A short hash of what shapes a summary (vnsumm version, the entries' settings, language): a change redoes it.
    Licence and source notes do not shape outputs and are left out."""
    specs = [summarizer.shaping(), translator.shaping() if translator else None]
    payload = json.dumps([__version__, *specs, Lang(lang).value], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def is_reusable(previous: Article | None, article: Article, settings: str) -> bool:
    return previous is not None and previous.ok and previous.content_hash == article.content_hash \
        and previous.settings == settings


def pick_engine(options: RunOptions) -> Engine:
    if options.engine == EngineName.ray:
        from vnsumm.ray_engine import ray_groups

        return ray_groups
    return local_groups


def write_digests(records: Sequence[Article], options: RunOptions) -> list[Path]:
    """Digests of every record in the store (this run's and earlier runs')."""
    written = []
    for fmt in options.formats:
        path = Path(options.out) / digest_name(fmt.value, options.lang.value)
        write_text_atomic(path, render(fmt.value, records, options.lang.value))
        written.append(path)
    return written


def run(inputs: Sequence[str | Path], options: RunOptions | None = None,
        progress: ProgressSink | None = None) -> RunReport:
    """Run the pipeline over `inputs` (files, folders, globs, `-`) into the store in options.out, then write the
    digests. A ConfigError (usage, models, output folder) is raised before any record is touched."""
    options = options or RunOptions()
    registry = load_registry(options.models)
    summarizer_spec = with_length(registry.summarizer(options.summarizer), options.length and options.length.value)
    translator_spec = registry.translator(options.translator) if options.lang == Lang.en else None
    settings = settings_key(summarizer_spec, translator_spec, options.lang)

    articles = [replace(a, content_hash=a.fingerprint()) for a in read_inputs(inputs, options.fields)]
    if not articles:
        raise ConfigError(f"no articles found in {', '.join(map(str, inputs))}; {options.out} was not touched")
    report = RunReport(total=len(articles))
    store = OutputStore(options.out)
    with store.open():
        latest = store.records()  # read once: reuse is decided on it, and the compacted file is built from it
        previous = {} if options.force else latest
        pending = [a for a in articles if a.ok and not is_reusable(previous.get(a.id), a, settings)]
        report.reused = sum(a.ok for a in articles) - len(pending)
        common = common_lines(articles)  # site furniture is judged on the whole run, not only what is pending
        # Models load (or are found missing) before the store is written to.
        groups: Iterator[list[Article]] = iter(())
        if pending:
            groups = pick_engine(options)(pending, common, summarizer_spec, translator_spec, options, progress)
        failed_to_read = [a for a in articles if not a.ok]
        store.append(failed_to_read)
        if progress:
            progress.start(len(pending))
        done: list[Article] = list(failed_to_read)
        try:
            for group in groups:
                group = [replace(a, settings=settings) for a in group]
                store.append(group)
                done.extend(group)
                report.summarized += sum(a.ok for a in group)
        except KeyboardInterrupt:
            report.interrupted = True
        latest.update((a.id, a) for a in done)
        store.compact(latest)
    report.failed = [a for a in done if not a.ok]
    report.count_warnings(done)
    report.outputs = [store.path, *write_digests(list(latest.values()), options)]
    return report

"""A run: read the inputs, pass the articles that need work through the planned stages (see `plan`) on the chosen
runner, append finished records to the store as each batch finishes, then run the store-level steps.

An interrupted run keeps its finished work, and a rerun reuses articles whose input and settings are unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from vnsumm.cleaning.rules import sample_common
from vnsumm.errors import ConfigError
from vnsumm.options import EngineName, RunOptions, RunReport
from vnsumm.output.store import Done, OutputStore
from vnsumm.plan import articles_per_group, plan_run, serves
from vnsumm.readers import InputStream, count_inputs, expand_inputs
from vnsumm.records import Article
from vnsumm.registry import Registry, load_registry
from vnsumm.runners import ProgressSink, Runner
from vnsumm.stages.store_step import StoreState
from vnsumm.urls import is_url


def is_reusable(previous: Done | None, article: Article, settings: str) -> bool:
    return previous is not None and previous.ok and previous.content_hash == article.content_hash \
        and serves(previous.settings, settings)


def processes_for(options: RunOptions, needs_models: bool) -> int:
    """Processes for a plan that loads no model (CPU-bound Python: one process would use one core): `workers`, else
    one per core; a plan with a model runs in this process (its backend uses the cores itself), as Ray's driver."""
    if needs_models or options.engine == EngineName.ray:
        return 1
    from vnsumm.runners.processes import worker_count

    return worker_count(options.workers)


def pick_runner(options: RunOptions, needs_models: bool) -> Runner:
    """Ray when asked; worker processes when `processes_for` gives more than one; else this process."""
    if options.engine == EngineName.ray:
        from vnsumm.runners.ray import run_ray  # Ray is imported only by runs that use it

        return run_ray
    workers = processes_for(options, needs_models)
    if workers > 1:
        from vnsumm.runners.processes import ProcessRunner

        return ProcessRunner(workers)
    from vnsumm.runners.local import run_local

    return run_local


PAGES_FOLDER = "pages"  # fetched pages, in the output folder (see vnsumm.fetch)


def read_articles(inputs: Sequence[str | Path], options: RunOptions, index: Mapping[str, Done],
                  fetching: ProgressSink | None = None) -> tuple[list[str], Iterator[Article], InputStream]:
    """The articles of `inputs`: files, folders, globs and `-` are read as they are; URLs (pages, feeds, sitemaps,
    home pages) are fetched into the output folder's page cache first (the caller holds the folder; `index` is its
    store's). Returns the paths read, for progress, the articles, and the stream of the files' articles (which
    tells, as it is read, the inputs not read completely and the rows read once)."""
    urls = [str(i) for i in inputs if is_url(str(i))]
    paths = expand_inputs([i for i in inputs if not is_url(str(i))], exclude=[options.out]) \
        if len(urls) < len(inputs) else []
    stream = InputStream(paths, options.fields, lambda key: (done.source, done.content_hash)
                         if (done := index.get(key)) else None)  # paths expanded once, above
    articles: Iterator[Article] = stream
    if urls:
        from vnsumm.fetch.crawl import iter_url_articles  # the HTTP client is imported only by runs that fetch

        # Pages the store has finished are not fetched again (failed ones are tried again), unless --prune must see
        # them all.
        known = [] if options.prune or options.refetch else [key for key, done in index.items() if done.ok]
        fetched = iter_url_articles(urls, Path(options.out) / PAGES_FOLDER, since=options.since,
                                    refetch=options.refetch, known_ids=known, progress=fetching)
        articles = itertools.chain(fetched, articles)
    return paths, articles, stream


def run(inputs: Sequence[str | Path], options: RunOptions | None = None, progress: ProgressSink | None = None,
        registry: Registry | None = None, fetching: ProgressSink | None = None, own_process: bool = False) -> RunReport:
    """Run the pipeline over `inputs` (files, folders, globs, `-`, URLs) into the store in options.out, then write
    the digests. A ConfigError (usage, models, output folder) is raised before any record is touched.
    `own_process`: the calling process is this run's alone (the CLI's): it is tuned for the plan (tuning.tune_process:
    logs, allocator, threads) before any model loads. A library caller's process is left as it is.

    Articles stream through in groups (`options.write_every`, by default plan.articles_per_group): memory holds a
    group, a sample of the first cleaning.rules.COMMON_SAMPLE articles (lines repeated across them are site
    furniture) and an index of ids, never the run."""
    options = options or RunOptions()
    registry = registry or load_registry(options.models)
    plan = plan_run(options, registry)  # a configuration error surfaces before the inputs are read
    if own_process:
        from vnsumm.tuning import tune_process

        tune_process(options.device.value, models=plan.needs_models)
    report = RunReport()
    store = OutputStore(options.out)
    seen: set[str] = set()
    # The folder is held before the inputs are read: fetching writes its page cache, and a second run must stop at
    # once rather than after reading.
    with store.open(), store.discarded_unless_written():
        index = store.index()
        report.notices += store.notices
        paths, read, stream = read_articles(inputs, options, index, fetching)
        if options.since and paths:
            report.notices.append("--since picks the entries of feeds and sitemaps; files are read whole")
        try:
            common, articles = sample_common(a if a.content_hash else replace(a, content_hash=a.fingerprint())
                                             for a in read)  # files' articles are hashed as read; pages' here
            first = next(articles, None)
        except KeyboardInterrupt:
            report.interrupted = True
            return report
        if first is None:
            raise ConfigError(f"no articles found in {', '.join(map(str, inputs))}; nothing was written to "
                              f"{options.out}")
        plan = plan.seeing(common)
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
                elif not is_reusable(previous.get(article.id), article, plan.settings):
                    yield article
                    continue
                else:
                    report.reused += 1
                    report.count_warnings([article])  # what reading found (a renamed id) is said on every run
                if progress:
                    progress.advance(1)

        # Models load (or are found missing) here, before the store is written to.
        grouped = replace(options, write_every=articles_per_group(plan, options))
        batches = pick_runner(grouped, plan.needs_models)(plan.stages, pending(), grouped, progress)
        if progress:
            progress.start(count_inputs(paths) if paths else None)
        try:
            for batch in batches:
                batch = [replace(a, settings=plan.settings) for a in batch]
                store.append(batch, index)
                report.summarized += sum(a.ok for a in batch)
                report.failed.extend(a for a in batch if not a.ok)
                report.count_warnings(batch)
        except KeyboardInterrupt:
            report.interrupted = True
        finally:  # a runner's workers end here, whatever happened, before the store steps
            close = getattr(batches, "close", None)
            if close is not None:
                close()
        if report.interrupted:  # exit at once: compaction, grouping and digests wait for the next run
            report.outputs = [store.path]
            return report
        if stream.repeated:
            rows = "1 row repeats" if len(stream.repeated) == 1 else f"{len(stream.repeated)} rows repeat"
            report.notices.append(f"{rows} the id and content of a row read before in this run, read once (first: "
                                  f"{stream.repeated[0]})")
        if options.prune and stream.incomplete:  # their stored records stay: they were not read this time
            report.warnings[f"--prune skipped: not every input was read completely ({stream.incomplete[0]})"] += \
                len(stream.incomplete)
            options = replace(options, prune=False)
        state = StoreState(store, options, report, seen, index, workers=processes_for(options, plan.needs_models))
        try:
            for step in plan.store_steps:
                step(state)
            report.outputs = [store.path, *state.outputs]
        except KeyboardInterrupt:  # the records are saved; compaction, grouping and digests wait for the next run
            report.interrupted = True
            report.outputs = [store.path]
    return report

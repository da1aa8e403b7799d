"""The whole job, stage by stage: read -> clean -> summarize -> translate -> write records -> digest.

Records are appended as each group of articles finishes (flushed and fsynced), so an interrupted run keeps its
finished work, and a rerun skips articles whose input and model settings are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from vnsumm.clean import clean_articles, common_lines
from vnsumm.config import ConfigError, ModelSpec, load_registry
from vnsumm.digest import RENDERERS
from vnsumm.io import Fields, JsonlAppender, load_jsonl, read_inputs, write_text_atomic
from vnsumm.records import Article
from vnsumm.summarize import Summarizer, load_summarizer
from vnsumm.translate import Translator, load_translator

RECORDS_FILE = "summaries.jsonl"
FORMATS = ("md", "html", "jsonl")


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


@dataclass
class RunOptions:
    lang: str = "en"
    out: Path = Path("out")
    summarizer: str | None = None
    translator: str | None = None
    models: Path | None = None
    device: str = "auto"
    batch_size: int | None = None  # most sequences in one batch; the token budget bounds it too
    token_budget: int | None = None  # padded input tokens per batch; default by device
    force: bool = False
    formats: Sequence[str] = ("md", "html")
    fields: Fields = field(default_factory=Fields)
    write_every: int = 16  # articles per group: records are written when a group is done
    engine: str = "local"  # or "ray"
    ray_address: str | None = None  # None starts a local Ray cluster sized to this machine
    ray_workers: int | None = None  # model actors per stage (default: one per GPU, else one)


@dataclass
class RunReport:
    total: int = 0
    summarized: int = 0
    reused: int = 0
    failed: list[Article] = field(default_factory=list)
    interrupted: bool = False
    outputs: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)


def settings_key(summarizer: ModelSpec, translator: ModelSpec | None, lang: str) -> str:
    """A short hash of what shapes a summary (vnsumm version, registry entries, language): a change redoes it."""
    from vnsumm import __version__

    specs = [asdict(summarizer), asdict(translator) if translator else None]
    payload = json.dumps([__version__, *specs, lang], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def check_options(options: RunOptions) -> None:
    if options.lang not in ("en", "vi"):
        raise ConfigError(f"--lang must be en or vi, not {options.lang!r}")
    unknown = set(options.formats) - set(FORMATS)
    if unknown:
        raise ConfigError(f"--format: unknown format(s) {', '.join(sorted(unknown))}; choose from md, html, jsonl")
    if options.write_every < 1:
        raise ConfigError("write_every must be at least 1")
    if options.engine not in ("local", "ray"):
        raise ConfigError(f"--engine must be local or ray, not {options.engine!r}")


def summarize_stage(articles: list[Article], summarizer: Summarizer,
                    progress: ProgressSink | None = None) -> list[Article]:
    """Vietnamese summaries, in place; failed articles pass through, an empty summary fails its article."""
    ok = [a for a in articles if a.ok]
    summaries = summarizer.summarize([a.text for a in ok], [a.title for a in ok],
                                     progress.advance if progress else None)
    for article, summary in zip(ok, summaries, strict=True):
        article.summarizer = summarizer.identity()
        if summary.strip():
            article.summary_vi = summary
        else:
            article.fail(f"{article.source}: the summarizer produced an empty summary")
    return articles


def translate_stage(articles: list[Article], translator: Translator) -> list[Article]:
    """English summaries and titles, in place, in one batched call for the whole group."""
    ok = [a for a in articles if a.ok]
    if ok:
        english = translator.translate([a.summary_vi for a in ok] + [a.title for a in ok])
        for article, summary_en, title_en in zip(ok, english[: len(ok)], english[len(ok):], strict=True):
            article.summary_en, article.title_en = summary_en, title_en
            article.translator = translator.identity()
    return articles


def summarize_articles(articles: list[Article], summarizer: Summarizer, translator: Translator | None,
                       progress: ProgressSink | None = None) -> list[Article]:
    """Summarize and, with a translator, translate a group of articles in place."""
    summarize_stage(articles, summarizer, progress)
    return translate_stage(articles, translator) if translator is not None else articles


def local_groups(pending: list[Article], common: frozenset[str], summarizer_spec: ModelSpec,
                 translator_spec: ModelSpec | None, options: RunOptions,
                 progress: ProgressSink | None) -> Iterator[list[Article]]:
    """This machine: clean the run, then summarize and translate it group by group, yielding each group done."""
    summarizer = load_summarizer(summarizer_spec, options.device, options.token_budget, options.batch_size)
    translator = None if translator_spec is None else \
        load_translator(translator_spec, options.device, options.token_budget, options.batch_size)

    def groups() -> Iterator[list[Article]]:
        cleaned = clean_articles(pending, common)
        for start in range(0, len(cleaned), options.write_every):
            yield summarize_articles(cleaned[start: start + options.write_every], summarizer, translator, progress)

    return groups()  # models are loaded now, before the caller touches the output


def _reusable(previous: dict[str, dict], article: Article, settings: str) -> dict | None:
    record = previous.get(article.id)
    if record and not record.get("error") and record.get("content_hash") == article.content_hash \
            and record.get("settings") == settings:
        return record
    return None


def write_digests(records_path: Path, options: RunOptions) -> list[Path]:
    """Digests rebuilt from the complete records file."""
    records = load_jsonl(records_path)
    written = []
    for fmt in options.formats:
        if fmt in RENDERERS:
            name = "digest.html" if fmt == "html" else f"digest.{options.lang}.{fmt}"
            write_text_atomic(Path(options.out) / name, RENDERERS[fmt](records, options.lang))
            written.append(Path(options.out) / name)
    return written


def run(inputs: Sequence[str | Path], options: RunOptions | None = None,
        progress: ProgressSink | None = None) -> RunReport:
    """Run the pipeline over `inputs` (files, folders, globs, `-`) and write records and digests to options.out."""
    options = options or RunOptions()
    check_options(options)
    registry = load_registry(options.models)
    summarizer_spec = registry.summarizer(options.summarizer)
    translator_spec = registry.translator(options.translator) if options.lang == "en" else None
    settings = settings_key(summarizer_spec, translator_spec, options.lang)

    articles = read_inputs(inputs, options.fields)
    for article in articles:
        article.content_hash = article.fingerprint()  # of the input as read: a changed input redoes the article
    report = RunReport(total=len(articles))
    records_path = Path(options.out) / RECORDS_FILE
    previous = {} if options.force else {r.get("id"): r for r in load_jsonl(records_path)}
    reused = [r for a in articles if a.ok and (r := _reusable(previous, a, settings))]
    reused_ids = {r["id"] for r in reused}
    pending = [a for a in articles if a.ok and a.id not in reused_ids]
    report.reused = len(reused)
    common = common_lines(articles)  # site furniture is judged on the whole run, not only what is pending

    groups: Iterator[list[Article]] = iter(())
    if pending:  # load models (or check them) before touching the output, so a missing model costs nothing
        if options.engine == "ray":
            from vnsumm.ray_engine import ray_groups

            groups = ray_groups(pending, common, summarizer_spec, translator_spec, options, progress)
        else:
            groups = local_groups(pending, common, summarizer_spec, translator_spec, options, progress)

    # Start the file afresh from what is reused: one record per id, stale and failed ones dropped.
    write_text_atomic(records_path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reused))
    if progress:
        progress.start(len(pending))
    done: list[Article] = [a for a in articles if not a.ok]
    with JsonlAppender(records_path) as out:
        out.write(a.to_record() for a in done)
        try:
            for group in groups:
                for article in group:
                    article.settings = settings
                out.write(a.to_record() for a in group)
                done.extend(group)
                report.summarized += sum(a.ok for a in group)
        except KeyboardInterrupt:
            report.interrupted = True
    report.failed = [a for a in done if not a.ok]
    report.outputs = [records_path, *write_digests(records_path, options)]
    return report

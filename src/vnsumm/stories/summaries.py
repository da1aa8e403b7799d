"""Story summaries: one summary per story, drawn from all its articles, each sentence citing where it comes from.

`summarize_stories(articles)` groups articles by `Article.story` and writes one `StorySummary` per story: with the
embedded default, sentences picked across the articles (multidoc.py); with a seq2seq summarizer, the model over
the articles' openings joined. A one-article story's summary is its article's. The Vietnamese summary is checked
against all the story's articles (factcheck.unsupported) and, with a translator, put into English. Each summary
carries a key hashed from its articles' ids and content hashes and the settings, so a story whose articles and
settings did not change is not summarized again (`reuse=`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Protocol

from vnsumm.cleaning.rules import clean_article
from vnsumm.errors import ConfigError
from vnsumm.factcheck.check import Source, unsupported, unsupported_in
from vnsumm.factcheck.facts import UnsupportedFact
from vnsumm.jsonl import dump_line, jsonl_values
from vnsumm.lang.text import split_sentences, syllables
from vnsumm.models.summarizer import Summarizer
from vnsumm.output.files import write_output
from vnsumm.readers import Fields
from vnsumm.readers.paths import require_regular_file
from vnsumm.readers.rows import MAX_ID_CHARS, make_safe, row_article, safe_line
from vnsumm.records import ENGLISH_FIELDS, Article, ModelIdentity
from vnsumm.stories.multidoc import Doc, MultiDocParams, leading_sentences, select
from vnsumm.stories.record import EMBEDDED, StorySummary, settings_json, story_key

# --length scales MultiDocParams.target_syllables, the medium length (the human story summaries run about 180).
LENGTHS = {"short": 0.5, "medium": 1.0, "long": 2.0}
OPENING_SYLLABLES = 600  # what a seq2seq model reads of a story: about its 1024-token window, shared out




class StoryTranslator(Protocol):
    """What the story stage asks of a translator (translate.Translator is one)."""

    def identity(self) -> ModelIdentity: ...

    def translate(self, texts: Sequence[str | None]) -> list[str | None]: ...


def stories_of(articles: Iterable[Article]) -> dict[str, list[Article]]:
    """Articles by story, stories in order of first appearance, each story's articles in `story_order`; an article
    without a story is a story of its own (keyed by its id). Failed articles belong to no story."""
    stories: dict[str, list[Article]] = {}
    for article in articles:
        if article.ok:
            stories.setdefault(article.story if article.story is not None else article.id, []).append(article)
    return {story: story_order(members) for story, members in stories.items()}


def story_order(members: Iterable[Article]) -> list[Article]:
    """A story's articles in one order whatever order they were read or stored in (by id): its summary and key
    depend on the articles, not on which runner wrote them first."""
    return sorted(members, key=lambda a: a.id)


def _citations(sentences: Sequence[str], articles: Sequence[Article]) -> list[tuple[str, list[str]]]:
    """Each sentence with the ids of the articles that print it; for a sentence none prints (a model's), the
    articles sharing most of its syllable bigrams (what it is most likely drawn from)."""
    flat = {a.id: " ".join(a.text.split()) for a in articles}
    bigrams = {a.id: set(itertools.pairwise(syllables(a.text))) for a in articles}
    cited = []
    for sentence in sentences:
        printed = [i for i, text in flat.items() if sentence in text]
        if not printed:
            grams = set(itertools.pairwise(syllables(sentence)))
            overlap = {i: len(grams & words) for i, words in bigrams.items()}
            best = max(overlap.values())
            printed = [i for i, n in overlap.items() if n == best] if best else [articles[0].id]
        cited.append((sentence, printed))
    return cited


def _doc(article: Article) -> Doc:
    """The article as the selector sees it; its sentences as the clean stage split them when its text is just
    those (the run's story summaries), instead of splitting them again."""
    sentences = tuple(article.first_sentences)
    return Doc(article.id, article.text, article.title,
               sentences if sentences and article.text == "\n".join(sentences) else None)


def _titled(articles: Sequence[Article], sources: Sequence[Sequence[str]]) -> Article | None:
    """The article whose headline is the story's: the one the summary opens with (else the first that has one)."""
    titled = {a.id: a for a in articles if a.title}
    for cited in sources:
        for article_id in cited:
            if article_id in titled:
                return titled[article_id]
    return next(iter(titled.values()), None)


def translated(translator: StoryTranslator, pending: Sequence[StorySummary]) -> list[StorySummary]:
    """The summaries with `summary_en`, line by line (an English line per Vietnamese sentence, so each can name its
    outlets), and `title_en` where the run had not translated the headline (one call), each English text checked."""
    if not pending:
        return []
    lines = [s.sentences for s in pending]
    english = translator.translate([*(line for sentences in lines for line in sentences),
                                    *(s.title if s.title_en is None else None for s in pending)])
    summaries, start = [], 0
    for summary, sentences, title_en in zip(pending, lines, english[-len(pending):], strict=True):
        summary_en = "\n".join(line or "" for line in english[start:start + len(sentences)]) or None
        start += len(sentences)
        title_en = summary.title_en or title_en
        summaries.append(checked_english(replace(summary, summary_en=summary_en, title_en=title_en)))
    return summaries


def checked_english(summary: StorySummary) -> StorySummary:
    """The summary whose `unsupported` lists the facts its English summary and title state that the Vietnamese
    summary and title lack, checked as an article's are (factcheck.CHECKS)."""
    kept = [u for u in summary.unsupported if u.field not in ENGLISH_FIELDS]
    return replace(summary, unsupported=(*kept, *unsupported_in(summary, ENGLISH_FIELDS)))


class StorySummarizer:
    """Summarizes stories one at a time with the settings of one call, resolved once."""

    def __init__(self, summarizer: Summarizer | None, translator: StoryTranslator | None, length: str,
                 params: MultiDocParams | None) -> None:
        if length not in LENGTHS:
            raise ValueError(f"unknown length {length!r} (choose from {', '.join(LENGTHS)})")
        self.summarizer, self.translator, self.length = summarizer, translator, length
        self.embedded = summarizer is None
        params = params or MultiDocParams()
        self.params = replace(params, target_syllables=round(params.target_syllables * LENGTHS[length]))
        self.identity = EMBEDDED if summarizer is None else summarizer.identity()
        self.translator_identity = translator.identity() if translator else None
        self.settings: dict[str, Any] = {
            "summarizer": self.identity.to_json(), "length": length,
            "params": asdict(self.params) if self.embedded else None,
            "translator": self.translator_identity and self.translator_identity.to_json()}
        if translator is not None:  # English summaries made before title_en, their check and their lines are redone
            self.settings["english"] = [*ENGLISH_FIELDS, "by line"]
        self._settings_json = settings_json(self.settings)

    def key(self, articles: Sequence[Article]) -> str:
        return story_key(articles, self._settings_json)

    def single(self, article: Article) -> tuple[str, ModelIdentity]:
        """A one-article story: its article's summary, made here when the article has none yet."""
        if article.summary_vi:  # the run summarized it already
            return article.summary_vi, article.summarizer or self.identity
        if self.summarizer is None:
            from vnsumm.backends import fallback_spec
            from vnsumm.options import Length

            summarizer = fallback_spec(Length(self.length)).load_summarizer()
        else:
            summarizer = self.summarizer
        [summary] = summarizer.summarize([article.text], [article.title])
        return summary, summarizer.identity()

    def multi(self, articles: Sequence[Article]) -> list[tuple[str, list[str]]]:
        if self.embedded:
            return select([_doc(a) for a in articles], self.params)
        assert self.summarizer is not None
        share = OPENING_SYLLABLES // len(articles)
        openings = []
        for a in articles:
            taken: list[str] = []
            size = 0
            for sentence in leading_sentences(a.text, 50):
                if taken and size + len(syllables(sentence)) > share:
                    break
                taken.append(sentence)
                size += len(syllables(sentence))
            openings.append(" ".join(taken))
        [summary] = self.summarizer.summarize(["\n".join(openings)], [articles[0].title])
        return _citations(split_sentences(summary), articles)

    def summarize(self, story: str, articles: Sequence[Article], key: str) -> StorySummary:
        if len(articles) == 1:
            summary, identity = self.single(articles[0])
            picked = [(s, [articles[0].id]) for s in split_sentences(summary)]
        else:
            picked, identity = self.multi(articles), self.identity
        if not picked:  # a model that said nothing: the embedded selection stands in, and the record says so
            picked, identity = select([_doc(a) for a in articles], self.params), EMBEDDED
        summary_vi = "\n".join(s for s, _ in picked)
        sources = tuple(tuple(cited) for _, cited in picked)
        if len(articles) == 1 and articles[0].summary_vi:  # the article's own summary, checked in the run already
            checked = tuple(u for u in articles[0].unsupported if u.field == "summary_vi")
        elif identity == EMBEDDED:  # sentences of the articles state nothing the articles do not
            checked = ()
        else:
            found = unsupported(summary_vi, Source.of("\n".join(f"{a.title or ''}\n{a.text}" for a in articles)))
            checked = tuple(UnsupportedFact("summary_vi", f.kind, f.text) for f in found)
        # A one-article story translated already in the run keeps that translation.
        english = articles[0].summary_en if len(articles) == 1 and articles[0].summary_vi == summary_vi \
            and self.translator_identity and articles[0].translator == self.translator_identity else None
        titled = _titled(articles, sources)
        done = StorySummary(
            story=story, articles=tuple(a.id for a in articles), title=titled.title if titled else None,
            title_en=titled.title_en if titled else None, summary_vi=summary_vi, summary_en=english, sources=sources,
            unsupported=checked,
            summarizer=identity, translator=self.translator_identity, key=key)
        return done if english is None else checked_english(done)


def summarize_stories(articles: Iterable[Article], *, summarizer: Summarizer | None = None,
                      translator: StoryTranslator | None = None, length: str = "medium",
                      params: MultiDocParams | None = None,
                      reuse: Iterable[StorySummary] = ()) -> list[StorySummary]:
    """One `StorySummary` per story of `articles` (grouped by `Article.story`), in order of first appearance.

    `summarizer=None` is the embedded multi-document method, as is any extractive summarizer; another (seq2seq)
    summarizer reads the articles' openings joined. With a `translator`, `summary_en` is the summary in English.
    A summary in `reuse` whose key matches (same articles, same content, same settings) is returned as it is.
    """
    stage = StorySummarizer(summarizer, translator, length, params)
    known = {s.key: s for s in reuse}
    done: list[StorySummary] = []
    fresh: list[int] = []
    for story, members in stories_of(articles).items():
        key = stage.key(members)
        if key in known:
            done.append(known[key])
            continue
        summary = stage.summarize(story, members, key)
        if summary.summary_en is None:
            fresh.append(len(done))
        done.append(summary)
    if translator is not None and fresh:
        for i, summary in zip(fresh, translated(translator, [done[i] for i in fresh]), strict=True):
            done[i] = summary
    return done


def load_story_models(lang: str = "vi", summarizer: str | None = None, translator: str | None = None,
                      models: Path | None = None, device: str = "auto") -> tuple[Summarizer | None,
                                                                                  StoryTranslator | None]:
    """The models registry names give story summaries (`vnsumm summarize-stories`): a seq2seq summarizer, or None
    for the embedded selection (no summarizer named, or one that copies its source's sentences); the translator
    with `lang="en"`. Loaded once, on `device`."""
    from vnsumm.registry import load_registry
    from vnsumm.runtime import Runtime

    registry, runtime = load_registry(models), Runtime(device)
    spec = registry.summarizer(summarizer) if summarizer else None
    loaded = spec.load_summarizer(runtime) if spec is not None and not spec.copies_source else None
    return loaded, registry.translator(translator).load_translator(runtime) if lang == "en" else None


def summarize_stories_file(path: Path, out: Path, story_field: str = "story", text_field: str = "text",
                           lang: str = "vi", summarizer: Summarizer | None = None,
                           translator: StoryTranslator | None = None, length: str = "medium",
                           fields: Fields | None = None) -> tuple[int, int, int]:
    """`vnsumm summarize-stories`: the JSONL articles of `path`, grouped by their `story_field` (no grouping is
    done here), summarized story by story into `out`, one record per story; returns how many articles, stories and
    failed lines. A line that cannot be read (malformed JSON, not an object, no text, no story) becomes an `error`
    record (after the stories) naming the file and line; `lang="en"` needs a translator."""
    if lang not in ("vi", "en"):
        raise ConfigError(f"unknown language {lang!r} (choose vi or en)")
    if lang == "en" and translator is None:
        raise ConfigError("--lang en needs a translator")
    require_regular_file(path)
    fields = fields or Fields(text=text_field)
    articles: list[Article] = []
    errors: list[str] = []
    named: set[str] = set()
    for lineno, record, problem in jsonl_values(Path(path)):
        where = f"{path}:{lineno}"
        article = make_safe(row_article(record, where, f"{Path(path).stem}:{lineno}", fields)) if problem is None \
            else Article(id=f"{Path(path).stem}:{lineno}", source=where).fail(f"{where}: {problem}")
        if isinstance(record, dict):
            named.update(map(str, record))
            story = record.get(story_field)
            if story in (None, "") and article.ok:
                article.fail(f"{where}: no story in field {story_field!r}")
            article.story = safe_line(str(story), MAX_ID_CHARS) if story not in (None, "") else None
        if article.ok:  # cleaned as a run cleans its articles: scraped text carries page furniture
            article = clean_article(replace(article, content_hash=article.fingerprint()))
        if article.ok:
            articles.append(article)
        else:
            errors.append(article.error or "")
    if not articles and errors and story_field not in named:
        raise ConfigError(f"{path}: no field {story_field!r} (fields: {', '.join(sorted(named)[:12]) or 'none'}); "
                          "choose one with --story-field")
    summaries = summarize_stories(articles, summarizer=summarizer, translator=translator if lang == "en" else None,
                                  length=length)
    lines = [dump_line({"error": e}) for e in errors]
    write_output(Path(out), [s.to_json() + "\n" for s in summaries] + lines)
    return len(articles), len(summaries), len(errors)

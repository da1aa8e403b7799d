"""Story summaries: one summary per story drawn from all its articles, each sentence citing the articles it comes
from, reusable by key, written as JSONL records."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from vnsumm.errors import ConfigError
from vnsumm.lang.text import syllables
from vnsumm.records import Article, ModelIdentity
from vnsumm.stories.multidoc import MultiDocParams
from vnsumm.stories.record import StorySummary
from vnsumm.stories.summaries import summarize_stories, summarize_stories_file

SHARED = "Hơn 50 cảnh sát cùng 12 xe chữa cháy được huy động đến hiện trường trên đường Huỳnh Tấn Phát."
# One story told by three outlets: SHARED is printed word for word by two of them, the openings say the same
# thing in different words, and each outlet adds details of its own.
STORY = [
    ("a", "Cháy lớn tại kho hàng ở quận 7", [
        "Rạng sáng 3/4, đám cháy bùng phát tại kho hàng của Công ty Tân Thuận ở quận 7, TP HCM.",
        SHARED,
        "Ngọn lửa bốc cao hàng chục mét, khói đen bao trùm cả khu dân cư lân cận trong nhiều giờ.",
        "Người dân sống gần kho hàng cho biết họ nghe nhiều tiếng nổ lớn trước khi thấy lửa.",
        "Nguyên nhân vụ cháy đang được cơ quan chức năng điều tra làm rõ trong những ngày tới.",
    ]),
    ("b", "Kho hàng Công ty Tân Thuận cháy dữ dội", [
        "Khoảng 2 giờ sáng 3/4, kho hàng của Công ty Tân Thuận ở quận 7 bốc cháy dữ dội.",
        SHARED,
        "Đến 6 giờ sáng, lực lượng chữa cháy đã khống chế được ngọn lửa, không có thương vong về người.",
        "Kho hàng rộng khoảng 2.000 m2, chứa nhiều hàng hóa dễ cháy như vải, nhựa và giấy.",
        "Thiệt hại ban đầu ước tính lên tới hàng chục tỷ đồng, theo đại diện công ty.",
    ]),
    ("c", "Quận 7: cháy kho hàng rộng 2.000 m2", [
        "Vụ cháy kho hàng rộng 2.000 m2 của Công ty Tân Thuận ở quận 7 xảy ra rạng sáng 3/4.",
        "Lực lượng chữa cháy đã khống chế được ngọn lửa lúc 6 giờ sáng, không có thương vong.",
        "Công ty Tân Thuận chuyên kinh doanh hàng may mặc và đồ gia dụng xuất khẩu sang châu Âu.",
        "Ông Trần Văn Minh, giám đốc công ty, nói toàn bộ hàng hóa trong kho đã được mua bảo hiểm.",
    ]),
]


def story_articles(story: str = "fire", suffix: str = "") -> list[Article]:
    return [Article(id=f"{i}{suffix}", source=f"{i}.txt", title=title, text=" ".join(sentences), story=story)
            for i, title, sentences in STORY]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_sentences_are_verbatim_cite_every_article_printing_them_and_are_not_repeated() -> None:
    articles = story_articles()
    [summary] = summarize_stories(articles, length="long")
    texts = {a.id: flat(a.text) for a in articles}
    assert summary.articles == ("a", "b", "c")
    assert len(summary.sources) == len(summary.sentences) > 2
    for sentence, cited in zip(summary.sentences, summary.sources, strict=True):
        assert cited and all(sentence in texts[i] for i in cited)  # verbatim in every article it cites
        assert set(cited) == {i for i, t in texts.items() if sentence in t}  # and cites every one printing it
    assert SHARED in summary.sentences and summary.sources[summary.sentences.index(SHARED)] == ("a", "b")
    assert len(set(summary.sentences)) == len(summary.sentences)
    # The two reports of the fire's end say the same in near-identical words: only one is kept.
    ends = [s for s in summary.sentences if "khống chế được ngọn lửa" in s]
    assert len(ends) == 1
    assert summary.summarizer.name == "multidoc-extractive" and summary.unsupported == ()


def test_summary_draws_from_several_articles_and_opens_with_an_opening() -> None:
    [summary] = summarize_stories(story_articles())
    cited = {i for sources in summary.sources for i in sources}
    assert len(cited) >= 2
    openings = {sentences[0] for _, _, sentences in STORY}
    assert summary.sentences[0] in openings
    assert summary.title in {title for _, title, _ in STORY}


def test_length_scales_and_stays_near_its_target() -> None:
    # Five copies of the story under other ids and wording order: plenty of text to fill even a long summary.
    articles = [a for k in range(5) for a in story_articles(suffix=str(k))]
    for k, article in enumerate(articles):
        article.text = " ".join(reversed(article.text.split(". "))) if k % 2 else article.text
    sizes = {length: len(syllables(summarize_stories(articles, length=length)[0].summary_vi))
             for length in ("short", "medium", "long")}
    assert sizes["short"] < sizes["medium"] < sizes["long"]
    assert 90 <= sizes["short"] < 90 + 40  # reaches the target and stops within one sentence of it


def test_one_article_story_keeps_its_articles_summary() -> None:
    [article] = story_articles()[:1]
    article.story = "alone"
    article.summary_vi = "Rạng sáng 3/4, đám cháy bùng phát tại kho hàng của Công ty Tân Thuận ở quận 7, TP HCM."
    article.summarizer = {"name": "vit5-base", "backend": "ctranslate2", "model": "x", "revision": None}
    [summary] = summarize_stories([article])
    assert summary.summary_vi == article.summary_vi and summary.summarizer == article.summarizer
    assert summary.sources == (("a",),)
    article.summary_vi = None  # not summarized yet: the embedded single-article summary, sentences of the article
    [summary_now] = summarize_stories([article])
    assert summary_now.key != summary.key  # the article's summary changed, so the story's did
    summary = summary_now
    assert summary.sentences and all(s in flat(article.text) for s in summary.sentences)


def test_a_story_of_short_lines_still_gets_a_summary() -> None:
    articles = [Article(id="x", source="x.txt", text="Mưa lớn ở Hà Nội.", story="s"),
                Article(id="y", source="y.txt", text="Hà Nội mưa lớn.\nẢnh: TTXVN", story="s")]
    [summary] = summarize_stories(articles)
    assert summary.sentences and len(summary.sources) == len(summary.sentences)
    assert summarize_stories([]) == []


def test_stories_are_grouped_by_story_and_failed_articles_left_out() -> None:
    articles = story_articles("fire") + story_articles("again", suffix="2")
    articles.insert(2, Article(id="bad", source="bad.txt", story="fire").fail("bad.txt: unreadable"))
    summaries = summarize_stories(articles)
    assert [s.story for s in summaries] == ["fire", "again"]
    assert summaries[0].articles == ("a", "b", "c") and summaries[1].articles == ("a2", "b2", "c2")


def test_key_changes_with_content_and_settings_and_reuse_skips_unchanged_stories() -> None:
    first = summarize_stories(story_articles("fire") + story_articles("other", suffix="2"))
    again = summarize_stories(story_articles("fire") + story_articles("other", suffix="2"))
    assert [s.key for s in first] == [s.key for s in again]
    assert summarize_stories(story_articles(), length="short")[0].key != first[0].key
    changed = story_articles("other", suffix="2")
    changed[1].text += " Một người bị thương nhẹ khi tham gia dập lửa."
    assert summarize_stories(changed)[0].key != first[1].key

    # Reused summaries come back as they are; a story whose article changed is summarized again.
    marked = [StorySummary.from_json({**first[0].to_record(), "summary_vi": "kept"}),
              StorySummary.from_json({**first[1].to_record(), "summary_vi": "stale"})]
    reused = summarize_stories(story_articles("fire") + changed, reuse=marked)
    assert reused[0].summary_vi == "kept"
    assert reused[1].summary_vi != "stale" and reused[1].key != first[1].key


def test_json_round_trip() -> None:
    [summary] = summarize_stories(story_articles())
    line = summary.to_json()
    assert "\n" not in line
    record = json.loads(line)
    assert set(record) == {"story", "articles", "title", "title_en", "summary_vi", "summary_en", "sources",
                           "unsupported", "summarizer", "translator", "key"}
    assert record["sources"] == [list(s) for s in summary.sources]
    assert StorySummary.from_json(line) == summary


class Inventing:
    """A seq2seq-shaped summarizer: it answers with the opening it was given, rephrased, plus a figure no article
    states; it records what it read."""

    def __init__(self) -> None:
        self.inputs: list[str] = []

    def identity(self) -> ModelIdentity:
        return ModelIdentity("inventing", "transformers", "test")

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Any = None) -> list[str]:
        self.inputs += texts
        return ["Kho hàng của Công ty Tân Thuận ở quận 7 bốc cháy dữ dội rạng sáng 3/4. "
                "Có 37 người phải đi cấp cứu."]


class Recording:
    def __init__(self) -> None:
        self.texts: list[str | None] = []

    def identity(self) -> ModelIdentity:
        return ModelIdentity("recording", "test")

    def translate(self, texts: Sequence[str | None]) -> list[str | None]:
        self.texts += texts
        return [None if t is None else f"EN({t})" for t in texts]


def test_seq2seq_reads_the_openings_joined_and_is_fact_checked() -> None:
    model = Inventing()
    [summary] = summarize_stories(story_articles(), summarizer=model)
    [given] = model.inputs
    assert given.count("\n") == 2 and all(sentences[0] in given for _, _, sentences in STORY)
    assert summary.summarizer == model.identity()
    assert [u.text for u in summary.unsupported] == ["37"]  # the figure no article states
    assert len(summary.sources) == 2
    assert summary.sources[0] == ("b",)  # drawn from the article that shares most of its words


class Silent(Inventing):
    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Any = None) -> list[str]:
        return [" " for _ in texts]


def test_a_model_that_says_nothing_is_replaced_by_the_embedded_selection() -> None:
    [summary] = summarize_stories(story_articles(), summarizer=Silent())
    assert summary.summarizer.name == "multidoc-extractive"
    assert summary.sentences == summarize_stories(story_articles())[0].sentences


def test_translator_gives_the_english_summary() -> None:
    translator = Recording()
    [summary] = summarize_stories(story_articles(), translator=translator)
    # One call: the summary line by line (an English line per sentence, so each names its outlets), the headline.
    assert translator.texts == [*summary.sentences, summary.title]
    assert summary.summary_en == "\n".join(f"EN({line})" for line in summary.sentences)
    assert summary.translator == translator.identity()
    assert summary.title_en == f"EN({summary.title})"
    assert summary.key != summarize_stories(story_articles())[0].key


class Miscounting(Recording):
    """Says the story in English with a toll no article states."""

    def translate(self, texts: Sequence[str | None]) -> list[str | None]:
        self.texts += texts
        return [None if t is None else "A warehouse in District 7 burned on April 3; 730 people were hospitalised."
                for t in texts]


def test_the_english_story_summary_and_title_are_fact_checked() -> None:
    [summary] = summarize_stories(story_articles(), translator=Miscounting())
    flagged = {(u.field, u.text) for u in summary.unsupported}
    assert flagged == {("summary_en", "730"), ("title_en", "730")}


def test_a_headline_translated_in_the_run_is_kept() -> None:
    articles = [replace(a, title_en=f"Fire {a.id}") for a in story_articles()]
    translator = Recording()
    [summary] = summarize_stories(articles, translator=translator)
    assert translator.texts == [*summary.sentences, None]
    headline = next(a for a in articles if a.title == summary.title)
    assert summary.title_en == headline.title_en  # the English of the same article's headline


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_file_command_writes_one_record_per_story_and_reports_bad_lines(tmp_path: Path) -> None:
    rows: list[Any] = [{"id": a.id, "title": a.title, "body": a.text, "event": "fire"} for a in story_articles()]
    rows += ["{not json", {"id": "x", "body": "Một bài không có câu chuyện."},
             {"id": "solo", "title": "Tin ngắn", "body": "Hà Nội mưa lớn chiều 3/4. Nhiều tuyến phố ngập sâu.",
              "event": "rain"}]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    counts = summarize_stories_file(source, out, story_field="event", text_field="body", length="short")
    assert counts == (4, 2, 2)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stories = [r for r in records if "story" in r]
    assert [(r["story"], r["articles"]) for r in stories] == [("fire", ["a", "b", "c"]), ("rain", ["solo"])]
    assert StorySummary.from_json(stories[0]).summary_vi == stories[0]["summary_vi"]
    errors = [r["error"] for r in records if "error" in r]
    assert any("in.jsonl:4" in e and "malformed JSON" in e for e in errors)
    assert any("in.jsonl:5" in e and "'event'" in e for e in errors)


def test_file_command_cleans_its_articles_and_reads_them_in_one_order(tmp_path: Path) -> None:
    furniture = "TIN LIÊN QUAN"
    rows = [{"id": a.id, "title": a.title, "text": f"{furniture}\n{a.text}\nChia sẻ bài viết lên Facebook",
             "event": "fire"} for a in story_articles()]
    made = []
    for name, ordered in (("in.jsonl", rows), ("reversed.jsonl", rows[::-1])):
        out = tmp_path / f"{name}.out"
        summarize_stories_file(write_jsonl(tmp_path / name, ordered), out, story_field="event")
        made.append(out.read_text(encoding="utf-8"))
    assert made[0] == made[1]  # the same story, whatever order its articles come in
    [summary] = [StorySummary.from_json(line) for line in made[0].splitlines()]
    assert summary.articles == ("a", "b", "c") and furniture not in summary.summary_vi
    assert "Facebook" not in summary.summary_vi


def test_file_command_names_the_fields_when_the_story_field_is_wrong(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": a.id, "text": a.text, "cluster": "1"}
                                                  for a in story_articles()])
    with pytest.raises(ConfigError, match=r"no field 'story'.*cluster"):
        summarize_stories_file(source, tmp_path / "out.jsonl")
    with pytest.raises(ConfigError, match="translator"):
        summarize_stories_file(source, tmp_path / "out.jsonl", story_field="cluster", lang="en")
    assert not (tmp_path / "out.jsonl").exists()


def test_file_command_with_tiny_seq2seq_models_writes_bilingual_cited_records(tiny_registry: Path,
                                                                              tmp_path: Path) -> None:
    from vnsumm.registry import load_registry
    from vnsumm.runtime import Runtime

    registry = load_registry(tiny_registry)
    summarizer = registry.summarizer("tiny-vit5").load_summarizer(Runtime("cpu"))
    translator = registry.translator("tiny-envit5").load_translator(Runtime("cpu"))
    rows = [{"id": a.id, "title": a.title, "text": a.text, "story": "fire"} for a in story_articles()]
    out = tmp_path / "out.jsonl"
    assert summarize_stories_file(write_jsonl(tmp_path / "in.jsonl", rows), out, lang="en", summarizer=summarizer,
                                  translator=translator) == (3, 1, 0)
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    summary = StorySummary.from_json(record)  # random weights: structure, never quality
    assert summary.summarizer == summarizer.identity() and summary.translator == translator.identity()
    assert summary.summary_en and len(summary.sources) == len(summary.sentences)
    assert all(cited and set(cited) <= {"a", "b", "c"} for cited in summary.sources)


DEV = Path(__file__).resolve().parents[2] / "shared" / "stories"


@pytest.mark.skipif(not (DEV / "dev-summaries.jsonl").exists(), reason="shared story clusters not present")
def test_dev_clusters_beat_round_robin_lead_with_verbatim_citations() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "story_summaries_bench", Path(__file__).resolve().parents[1] / "benchmarks" / "story_summaries_bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = [json.loads(line) for line in (DEV / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = [Article(id=r["id"], source=r["source"], text=r["text"], title=r["title"], story=str(r["story"]))
                for r in rows]
    references = {str(r["story"]): (r["ref1"], r["ref2"]) for r in
                  map(json.loads, (DEV / "dev-summaries.jsonl").read_text(encoding="utf-8").splitlines())}
    summaries = summarize_stories(articles)
    texts = {a.id: flat(a.text) for a in articles}
    for summary in summaries:
        for sentence, cited in zip(summary.sentences, summary.sources, strict=True):
            assert any(sentence in texts[i] for i in cited)
    ours = bench.rouge({s.story: s.summary_vi for s in summaries}, references)
    lead = bench.rouge({s.story: bench.round_robin([a for a in articles if a.story == s.story]) for s in summaries},
                       references)
    for kind in ("rouge1", "rouge2"):
        assert bench.mean(ours, list(references))[kind] > bench.mean(lead, list(references))[kind] + 1


def test_a_run_writes_story_summaries_shows_them_cited_in_the_digest_and_reuses_them(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vnsumm.cli import app

    rows = [{"id": a.id, "title": a.title, "text": a.text, "date": "2024-04-03"} for a in story_articles()]
    rows.append({"id": "other", "title": "Giá vàng hôm nay tăng mạnh", "date": "2024-04-03",
                 "text": "Giá vàng miếng SJC sáng nay tăng thêm 500.000 đồng mỗi lượng so với cuối tuần trước."})
    feed = write_jsonl(tmp_path / "feed.jsonl", rows)
    out = tmp_path / "out"
    command = ["run", str(feed), "--lang", "vi", "--summarizer", "extractive", "--out", str(out)]
    done = CliRunner().invoke(app, command)
    assert done.exit_code == 0, done.output
    summaries = {s.story: s for s in map(StorySummary.from_json, (out / "stories.jsonl").read_text().splitlines())}
    [fire] = [s for s in summaries.values() if len(s.articles) == 3]
    [gold] = [s for s in summaries.values() if s.articles == ("other",)]
    assert set(fire.articles) == {"a", "b", "c"} and len(fire.sources) == len(fire.sentences) > 1
    texts = {a.id: flat(a.text) for a in story_articles()}
    assert all(any(sentence in texts[i] for i in cited) for sentence, cited in zip(fire.sentences, fire.sources,
                                                                                    strict=True))
    stored = {json.loads(line)["id"]: json.loads(line) for line in (out / "summaries.jsonl").read_text().splitlines()}
    assert gold.summary_vi == stored["other"]["summary_vi"]  # a one-article story's summary is its article's
    digest = (out / "digest.vi.md").read_text(encoding="utf-8")
    cited = len({i for sources in fire.sources for i in sources})
    assert f"các câu lấy từ {cited} trong 3 bài" in digest and f"- {fire.sentences[0]} (" in digest
    before = (out / "stories.jsonl").read_bytes(), (out / "stories.jsonl").stat().st_mtime_ns
    assert CliRunner().invoke(app, command).exit_code == 0  # nothing new: nothing summarized or written again
    assert ((out / "stories.jsonl").read_bytes(), (out / "stories.jsonl").stat().st_mtime_ns) == before



def test_the_digest_names_each_outlet_and_links_its_article_from_the_rows_address_fields(tmp_path: Path) -> None:
    import unicodedata

    from typer.testing import CliRunner

    from vnsumm.cli import app

    addresses = [{"url": "https://tuoitre.vn/chay-a.htm", "publisher": unicodedata.normalize("NFD", "Tuổi Trẻ")},
                 {"link": "https://www.thanhnien.vn/chay-b.htm"},  # no publisher: the host stands for it
                 {"source": "http://vnexpress.net/chay-c.html", "url": "not a link"}]
    rows = [{"id": a.id, "title": a.title, "text": a.text, "date": "2024-04-03", **where}
            for a, where in zip(story_articles(), addresses, strict=True)]
    rows.append({"id": "plain", "title": "Giá vàng hôm nay tăng mạnh", "source": "bản tin sáng",
                 "url": "javascript:alert(1)", "link": "https://x.vn/a b\u202e",  # no links to follow
                 "text": "Giá vàng miếng SJC sáng nay tăng thêm 500.000 đồng mỗi lượng so với cuối tuần trước."})
    feed = write_jsonl(tmp_path / "feed.jsonl", rows)
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["run", str(feed), "--lang", "vi", "--summarizer", "extractive", "--out", str(out)])
    assert done.exit_code == 0, done.output
    stored = {json.loads(line)["id"]: json.loads(line) for line in (out / "summaries.jsonl").read_text().splitlines()}
    assert [(stored[i]["publisher"], stored[i]["url"]) for i in ("a", "b", "c", "plain")] == [
        ("Tuổi Trẻ", "https://tuoitre.vn/chay-a.htm"), ("thanhnien.vn", "https://www.thanhnien.vn/chay-b.htm"),
        ("vnexpress.net", "http://vnexpress.net/chay-c.html"), (None, None)]
    [fire] = [StorySummary.from_json(line) for line in (out / "stories.jsonl").read_text().splitlines()
              if len(json.loads(line)["articles"]) == 3]
    markdown = (out / "digest.vi.md").read_text(encoding="utf-8")
    page = (out / "digest.html").read_text(encoding="utf-8")
    links = {"a": "[Tuổi Trẻ](<https://tuoitre.vn/chay-a.htm>)",
             "b": "[thanhnien.vn](<https://www.thanhnien.vn/chay-b.htm>)",
             "c": "[vnexpress.net](<http://vnexpress.net/chay-c.html>)"}
    for sentence, cited in zip(fire.sentences, fire.sources, strict=True):  # each sentence cites its outlets
        line = next(line for line in markdown.splitlines() if line.startswith(f"- {sentence} ("))
        assert all(links[i] in line for i in cited), line
    assert all(link in markdown for link in links.values())  # the first article's byline, the others' lines
    assert '<a href="https://tuoitre.vn/chay-a.htm" rel="noreferrer">Tuổi Trẻ</a>' in page
    assert "bản tin sáng" not in markdown and "feed.jsonl:4" in markdown  # a source that is no address: not a link


def test_story_summaries_follow_a_store_regrouped_by_a_run_stopped_before_them(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vnsumm.cli import app

    rows = [{"id": a.id, "title": a.title, "text": a.text} for a in story_articles()]
    out = tmp_path / "out"
    command = ["run", str(write_jsonl(tmp_path / "feed.jsonl", rows)), "--lang", "vi", "--summarizer", "extractive",
               "--out", str(out)]
    assert CliRunner().invoke(app, command).exit_code == 0
    # What a run stopped between grouping and story summaries leaves: the store regrouped ("c" now a story of its
    # own), the story summaries as they were.
    records = [json.loads(line) for line in (out / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in records:
        record["story"] = "c" if record["id"] == "c" else "ab"
    write_jsonl(out / "summaries.jsonl", records)
    assert CliRunner().invoke(app, command).exit_code == 0
    stories = sorted(StorySummary.from_json(line).articles for line in (out / "stories.jsonl").read_text().splitlines())
    assert stories == [("a", "b"), ("c",)]
    assert "trong 2 bài, mỗi câu ghi nguồn" in (out / "digest.vi.md").read_text(encoding="utf-8")


def test_keys_are_the_hash_of_the_articles_and_settings_as_json() -> None:
    """A key is what earlier runs stored (their summaries are reused by it): the hash of the articles' rows and the
    settings as one JSON text, however it is made."""
    import hashlib

    from vnsumm.stories.summaries import StorySummarizer

    summarizer = StorySummarizer(None, None, "medium", None)
    stories = [story_articles(), story_articles()[:1], [Article(id='q"uote\\', source="x", text="Hoà",
                                                              summary_vi="Tóm\u2028tắt", summary_en=None)]]
    for articles in stories:
        rows: list[list[str | None]] = [[a.id, a.content_hash or a.fingerprint()] for a in articles]
        if len(articles) == 1:
            rows[0] += [articles[0].summary_vi, articles[0].summary_en]
        payload = json.dumps([*rows, summarizer.settings], ensure_ascii=False, sort_keys=True, default=str)
        assert summarizer.key(articles) == hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def test_selection_is_the_same_from_split_sentences_as_from_the_text() -> None:
    """A story's articles as the run keeps them (their first sentences, one a line) are tokenized once; what is
    selected is what the text alone gives."""
    from vnsumm.stories.multidoc import Doc, _candidates, select

    docs = [Doc(i, "\n".join(sentences), title) for i, title, sentences in STORY]
    split = [Doc(d.id, d.text, d.title, tuple(d.text.split("\n"))) for d in docs]
    (ours, our_df), (theirs, their_df) = _candidates(split, MultiDocParams()), _candidates(docs, MultiDocParams())
    assert our_df == their_df and ours == theirs  # every candidate's bigrams, length, prior and citations
    for target in (40, 120, 400):
        params = MultiDocParams(target_syllables=target)
        assert select(split, params) == select(docs, params)


def test_page_furniture_left_in_a_flattened_text_is_taken_only_when_nothing_else_is() -> None:
    """A photo credit alone and a related-items list are sentences of a text flattened into one line; a story
    summary of any length leaves them out while the articles say anything else."""
    from vnsumm.stories.multidoc import Doc, select

    furniture = ["Ảnh: Kỳ Lân.", "(Nguồn: AP)", ">> U23 Việt Nam thắng Myanmar >> Lịch thi đấu SEA Games.",
                 "Tin liên quan Giá vàng tăng mạnh."]
    docs = [Doc(i, " ".join([*furniture[:2], *sentences, *furniture[2:]]), title) for i, title, sentences in STORY]
    for target in (40, 120, 1000):
        chosen = [sentence for sentence, _ in select(docs, MultiDocParams(target_syllables=target))]
        assert chosen and not set(chosen) & set(furniture), target
    [(alone, _)] = select([Doc("x", "Ảnh: Kỳ Lân.", None)], MultiDocParams())
    assert alone == "Ảnh: Kỳ Lân."  # all there is

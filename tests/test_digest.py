"""The digest: Markdown and a self-contained HTML page, safe with hostile text, checked in a real browser."""

from __future__ import annotations

import html
import json
import os
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import ROOT, vnsumm

from vnsumm import Article, FactKind, UnsupportedFact, render_html, render_markdown

HOSTILE = "<script>alert(1)</script>"
ARTIFACTS = Path(os.environ.get("VNSUMM_TEST_ARTIFACTS", ROOT / "test-artifacts"))


class Outline(HTMLParser):
    """Counts elements and collects text and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def records(count: int = 3) -> list[Article]:
    base = [Article(id=f"a{i}", source=f"in/a{i}.txt", title=f"Tiêu đề {i}", title_en=f"Title {i}",
                    date=f"2020-0{i + 1}-01", summary_vi=f"Tóm tắt {i}.", summary_en=f"Summary {i}.")
            for i in range(count)]
    return [*base, Article(id="bad", source="in/bad.txt", error="in/bad.txt: empty file")]


def test_html_escapes_hostile_text_and_sorts_by_date() -> None:
    hostile = records()
    hostile[0].title_en = HOSTILE
    hostile[1].summary_vi = '<img src=x onerror="alert(2)">'
    hostile[2].url = "javascript:alert(3)"  # a stored line edited by hand: never a link
    page = render_html(hostile, "en")
    assert "javascript:" not in page and "javascript:" not in render_markdown(hostile, "en")
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page
    outline = Outline()
    outline.feed(page)
    assert outline.tags.count("article") == 3 and "script" not in outline.tags
    assert outline.external == []  # self-contained: no network fetch
    assert page.index("Title 2") < page.index("Title 1") < page.index(HOSTILE.replace("<", "&lt;").replace(">", "&gt;"))
    assert "in/bad.txt: empty file" in page



@pytest.mark.parametrize(("lang", "label"), [("en", "latest report"), ("vi", "tin mới nhất")])
def test_a_story_placed_by_its_newest_report_says_so_beside_the_first_ones_date(lang: str, label: str) -> None:
    older = Article(id="old", source="in/old.txt", title="Bão số 3 đổ bộ", date="2020-01-01", story="s",
                    summary_vi="Bão số 3 đổ bộ vào Quảng Ninh với sức gió mạnh, gây mưa lớn diện rộng.")
    newer = Article(id="new", source="in/new.txt", title="Bão số 3 tan", date="2020-01-03", story="s",
                    summary_vi="Bão tan.")
    alone = Article(id="mid", source="in/mid.txt", title="Giá xăng giảm", date="2020-01-02", summary_vi="Giảm.")
    for page in (render_markdown([older, newer, alone], lang), render_html([older, newer, alone], lang)):
        assert page.index("Bão số 3 đổ bộ") < page.index("Giá xăng giảm")  # placed by its newest report
        assert f"{label} 2020-01-03" in page and page.count(label) == 1  # said only where the first is older


RLO, PDF, FSI, PDI = "\u202e", "\u202c", "\u2068", "\u2069"


def _bidi_closed(line: str) -> bool:
    """Every embedding, override and isolate opened in the line is closed before the line ends."""
    depth = 0
    for char in line:
        depth += char in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"
        depth -= char in (PDF, PDI) and depth > 0
    return depth == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_right_to_left_overrides_are_isolated(lang: str) -> None:
    """A right-to-left override in a scraped title or summary (or Arabic text) cannot reorder what the digest
    shows after it: each such text is closed and isolated, in both formats."""
    hostile = records(2)
    hostile[0].title = hostile[0].title_en = f"Tin {RLO}gnp.exe"
    hostile[0].summary_vi = hostile[0].summary_en = f"Câu một {RLO}abc.\nمرحبا câu hai."
    hostile[0].publisher = f"Báo {RLO}X"
    for page in (render_html(hostile, lang), render_markdown(hostile, lang)):
        assert page.count(RLO) >= 3
        for line in page.splitlines():
            assert _bidi_closed(line), line
        assert f"{FSI}Tin {RLO}gnp.exe{PDF}{PDI}" in page
        assert f"{FSI}مرحبا câu hai.{PDI}" in page
    plain = render_markdown(records(2), lang)  # Vietnamese text alone is left as it is
    assert FSI not in plain and PDI not in plain


def test_markdown_escapes_markup() -> None:
    hostile = records(1)
    hostile[0].title_en = HOSTILE
    text = render_markdown(hostile, "en")
    assert "<script>" not in text and "\\<script\\>" in text
    assert "**English:** Summary 0." in text and "**Tiếng Việt:** Tóm tắt 0." in text


def test_format_option_picks_outputs(tmp_path: Path) -> None:
    done = vnsumm("run", "seeds/", "--lang", "vi", "--summarizer", "extractive", "--out", str(tmp_path),
                  "--format", "html,html")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("digest.html") == 1  # a format named twice is written and announced once
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert visible == ["digest.html", "stories.jsonl", "summaries.jsonl"]
    bad = vnsumm("run", "seeds/", "--summarizer", "extractive", "--out", str(tmp_path), "--format", "pdf")
    assert bad.returncode == 2 and "pdf" in bad.stderr



def test_a_digest_the_store_has_outgrown_is_removed_not_left_stale(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vnsumm.cli import app

    inputs, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(ROOT / "seeds", inputs)

    def run(*options: str) -> str:
        done = CliRunner().invoke(app, ["run", str(inputs), "--lang", "vi", "--summarizer", "extractive",
                                        "--out", str(out), *options])
        assert done.exit_code == 0, done.output
        return done.stderr

    run("--format", "md")
    run("--format", "html")  # the same store: the Markdown digest still shows it, and stays
    assert (out / "digest.vi.md").exists() and (out / "digest.html").exists()
    (inputs / "moi.txt").write_text("Sáng 3/11, thành phố mở thêm hai tuyến xe buýt điện nối trung tâm với "
                                    "sân bay, mỗi chuyến cách nhau 15 phút.\n", encoding="utf-8")
    said = run("--format", "html")  # a new article: the Markdown digest would not show it
    assert not (out / "digest.vi.md").exists()
    assert f"removed {out / 'digest.vi.md'}: the store has changed since it was made" in said
    assert "xe buýt điện" in (out / "digest.html").read_text(encoding="utf-8")


def browser():  # type: ignore[no-untyped-def]
    """Headless Debian Chromium through chromedriver. CI installs it and sets VNSUMM_REQUIRE_BROWSER=1, so there
    the test fails without a browser; elsewhere it is skipped, saying why."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        if os.environ.get("VNSUMM_REQUIRE_BROWSER") == "1":
            pytest.fail("VNSUMM_REQUIRE_BROWSER=1 but chromium or chromedriver is missing (see .ci/run)")
        pytest.skip("no chromium and chromedriver here (apt-get install chromium chromium-driver to run it)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1200,2000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver_path), options=options)


def test_digest_renders_in_headless_chromium(tiny_registry: Path, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    hostile = tmp_path / "hostile.jsonl"
    text = (ROOT / "seeds" / "003_a8bbc42e34f2cb4c.txt").read_text(encoding="utf-8")
    # A title field is HTML text (tags stripped, entities unescaped): escaped, the hostile string is its literal text.
    hostile.write_text(json.dumps({"id": "hostile", "title": html.escape(HOSTILE), "text": text},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    # The hostile page copies seed 003: one story more is one article more in that story, not a sixth entry.
    for inputs, count in ((["seeds/"], 5), (["seeds/", str(hostile)], 5)):
        out = tmp_path / f"out{len(inputs)}"
        done = vnsumm("run", *inputs, "--lang", "en", "--models", str(tiny_registry), "--out", str(out),
                      "--device", "cpu")
        assert done.returncode == 0, done.stderr
        driver = browser()
        try:
            driver.get((out / "digest.html").as_uri())
            articles = driver.find_elements(By.CSS_SELECTOR, "main article")
            assert len(articles) == count
            for article in articles:  # English beside Vietnamese
                assert article.find_element(By.CSS_SELECTOR, ".summary-en h3").text == "ENGLISH"
                assert article.find_element(By.CSS_SELECTOR, ".summary-vi h3").text == "TIẾNG VIỆT"
            with pytest.raises(NoAlertPresentException):
                driver.switch_to.alert.text  # noqa: B018 - reading it is the check that no script ran
            if len(inputs) == 2:
                story = driver.find_element(By.CSS_SELECTOR, "main article[data-story='003_a8bbc42e34f2cb4c']")
                assert HOSTILE in story.text  # shown literally, as the story's title or among "also reported by"
                assert driver.execute_script("return document.scripts.length") == 0
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            assert driver.save_screenshot(str(ARTIFACTS / f"digest-{len(inputs)}.png"))
        finally:
            driver.quit()


def test_a_100000_article_digest_opens_in_seconds(tmp_path: Path) -> None:
    """A bulk run's digest: an index of day pages, each of at most PAGE_STORIES stories, and a Markdown digest of
    bounded size; every page opens in headless Chromium in seconds."""
    import time

    from selenium.webdriver.common.by import By

    from vnsumm import OutputFormat, write_digests
    from vnsumm.output.digest.html import PAGE_STORIES
    from vnsumm.output.digest.markdown import MARKDOWN_STORIES

    generated = [Article(id=f"a{i}", source=f"feed.jsonl:{i}", title=f"Tin số {i}", title_en=f"News {i}",
                         date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", publisher=f"Báo {i % 7}",
                         summary_vi="Sáng nay, hội nghị bàn về việc làm cho người lao động.",
                         summary_en="This morning the conference discussed jobs.", story=f"a{i - i % 3}")
                 for i in range(100_000)]
    write_digests(generated, tmp_path, [OutputFormat.md, OutputFormat.html], "en")
    pages = sorted((tmp_path / "digest").glob("*.html"))
    assert len(pages) > 1 and (tmp_path / "digest.en.md").stat().st_size < 2_000_000
    markdown = (tmp_path / "digest.en.md").read_text(encoding="utf-8")
    assert markdown.count("\n## ") == MARKDOWN_STORIES
    assert f"{100_000 // 3 + 1 - MARKDOWN_STORIES} more stories are in digest.html and summaries.jsonl." in markdown
    driver = browser()
    try:
        for page in (tmp_path / "digest.html", pages[0], pages[-1]):
            start = time.monotonic()
            driver.get(page.as_uri())
            stories = driver.find_elements(By.CSS_SELECTOR, "main article")
            assert time.monotonic() - start < 5, page
            if page.name != "digest.html":
                assert 0 < len(stories) <= PAGE_STORIES
                assert driver.find_element(By.CSS_SELECTOR, "article .also").text.startswith("Also reported by")
        driver.get((tmp_path / "digest.html").as_uri())
        links = driver.find_elements(By.CSS_SELECTOR, "nav li a")
        assert len(links) == len(pages)  # the index reaches every page
    finally:
        driver.quit()


def test_flagged_facts_are_labelled_in_the_digests_language() -> None:
    record = Article(id="a", source="a.txt", title="Tin", summary_vi="Có 99 người.",
                     unsupported=[UnsupportedFact("summary_vi", FactKind.NUMBER, "99")])
    vietnamese = render_html([record], "vi")
    assert '<mark class="unsupported" title="không có trong bài gốc">99</mark>' in vietnamese
    assert "not found in the source" not in vietnamese
    assert "Sự kiện có số liệu, ngày tháng hoặc tên không có trong bài gốc: 1" in render_markdown([record], "vi")


def test_a_vietnamese_digest_counts_only_the_flags_it_shows() -> None:
    """An English run's record reused by a Vietnamese run keeps its English flags; the Vietnamese digest shows no
    English, so it neither counts them nor ranks the article down for them."""
    english_flag = UnsupportedFact("summary_en", FactKind.NUMBER, "15")
    translated = Article(id="a", source="a.txt", title="Tin", summary_vi="Có 99 người.", summary_en="15 people.",
                         unsupported=[english_flag])
    assert "Sự kiện có số liệu" not in render_markdown([translated], "vi")
    assert "Stories with numbers, dates or names not found in their source: 1" in render_markdown([translated], "en")


def test_an_outlet_spelt_two_ways_by_its_site_is_one_name_and_an_aggregators_outlets_stay_apart() -> None:
    def row(i: int, url: str, publisher: str) -> Article:
        return Article(id=f"a{i}", source=f"in/a{i}.txt", title=f"Tin {i}", date="2020-01-01", summary_vi="Tóm tắt.",
                       url=url, publisher=publisher)

    page = render_markdown([row(1, "https://dantri.com.vn/a1.htm", "Báo Dân Trí"),
                            row(2, "https://dantri.com.vn/a2.htm", "Dân trí"),
                            row(3, "https://dantri.com.vn/a3.htm", "Dân trí"),
                            row(4, "https://baomoi.com/a4.epi", "Lao Động"),
                            row(5, "https://baomoi.com/a5.epi", "Người Lao Động"),
                            row(6, "https://baomoi.com/a6.epi", "Người Lao Động")], "vi")
    assert "Báo Dân Trí" not in page and page.count("Dân trí") == 3
    assert page.count("Người Lao Động") == 2 and page.count("Lao Động") == 3  # an aggregator's outlets, apart


def test_an_english_story_summary_names_the_outlets_of_each_sentence() -> None:
    """Translated line by line, each English sentence carries the outlets of the Vietnamese one; an English
    summary translated whole (an older store) is shown as one paragraph."""
    from vnsumm.output.digest import markdown
    from vnsumm.output.digest.view import digest_view
    from vnsumm.records import ModelIdentity
    from vnsumm.stories.record import StorySummary

    articles = [Article(id=i, source=f"in/{i}.txt", title=f"Cháy kho {i}", date="2024-04-03", story="s",
                        publisher=name, url=f"https://{host}/{i}.htm", summary_vi="Cháy.", summary_en="Fire.")
                for i, name, host in (("a", "Tuổi Trẻ", "tuoitre.vn"), ("b", "Dân trí", "dantri.com.vn"))]
    summary = StorySummary(story="s", articles=("a", "b"), title="Cháy kho a", title_en="Warehouse fire",
                           summary_vi="Kho cháy lúc 3 giờ.\nKhông ai bị thương.",
                           summary_en="The warehouse burned at 3 am.\nNo one was hurt.",
                           sources=(("a",), ("a", "b")), unsupported=(), translator=None, key="k",
                           summarizer=ModelIdentity(name="extractive", backend="extractive"))
    page = markdown.render_view(digest_view(articles, "en", {"s": summary}))
    assert "- The warehouse burned at 3 am. ([Tuổi Trẻ](<https://tuoitre.vn/a.htm>))" in page
    assert "- No one was hurt. ([Tuổi Trẻ](<https://tuoitre.vn/a.htm>), [Dân trí](<https://dantri.com.vn/b.htm>))" \
        in page
    whole = replace(summary, summary_en="The warehouse burned at 3 am. No one was hurt.")
    page = markdown.render_view(digest_view(articles, "en", {"s": whole}))
    assert "**English:** The warehouse burned at 3 am. No one was hurt." in page


def test_digests_an_older_version_stamped_with_one_hash_are_remade_or_removed_once(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vnsumm.cli import app

    out = tmp_path / "out"
    out.mkdir()
    for name in ("digest.en.md", "digest.html"):
        (out / name).write_text("an older version's digest", encoding="utf-8")
    (out / ".vnsumm.digest").write_text("c3766bd89cea797a1166e6b40bbdfbe12ea3907f7725ffe39c47f31845cc6aec")
    done = CliRunner().invoke(app, ["run", str(ROOT / "seeds"), "--lang", "vi", "--summarizer", "extractive",
                                    "--out", str(out), "--format", "md"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.glob("digest*")) == ["digest.vi.md"]
    assert f"removed {out / 'digest.en.md'}: the store has changed since it was made (--lang en --format md" \
        in done.stderr
    assert f"removed {out / 'digest.html'}: the store has changed since it was made (--format html makes" \
        in done.stderr

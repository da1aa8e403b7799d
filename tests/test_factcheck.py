"""The check stage: numbers, dates, amounts, percentages and names an output states must be in its source."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ROOT, read_jsonl, vnsumm

from vnsumm import Article, ExtractiveSummarizer, read_inputs, render_html, render_markdown, summarize_articles
from vnsumm.cleaning.rules import clean_articles
from vnsumm.factcheck.check import FactKind, Source, UnsupportedFact, check_article, unsupported

SOURCE = ("Ngày 23/10/2020, UBND TP Hà Nội cho biết thành phố đã chi 2,8 tỷ đồng cho 5.000 hộ dân, "
          "tăng 45% so với năm trước. Bà Nguyễn Thị Thuỷ, Giám đốc Sở, nói 140 ngàn người được hỗ trợ. "
          "Dự án của Samsung được khởi công tháng 4/2019.")


def kinds(output: str, lang: str = "vi") -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in unsupported(output, SOURCE, lang)]


@pytest.mark.parametrize("output", [
    "Thành phố chi 2,8 tỉ đồng cho 5000 hộ dân.",  # tỷ/tỉ, 5.000/5000
    "Ngày 23 tháng 10, Hà Nội hỗ trợ 140 nghìn người.",  # date in words, ngàn/nghìn
    "Số hộ tăng 45 phần trăm; bà Nguyễn Thị Thủy nói vậy.",  # %/phần trăm, tone-mark placement
    "Dự án khởi công tháng 4.",  # a month the source dates
    "Ngày 23/10/2.020, thành phố chi tiền.",  # a year with a thousands dot
])
def test_the_same_facts_written_another_way_pass(output: str) -> None:
    assert kinds(output) == []


@pytest.mark.parametrize("output", [
    "On October 23, Hanoi spent 2.8 billion dong on 5,000 households, up 45 percent.",
    "Ms Nguyen Thi Thuy said 140,000 people were supported; the Samsung project started in April 2019.",
])
def test_english_numbers_dates_and_names_are_read_the_english_way(output: str) -> None:
    assert [k for k in kinds(output, "en") if k[0] != "missing_name"] == []


@pytest.mark.parametrize(("output", "lang", "expected"), [
    ("Thành phố chi 3,8 tỷ đồng.", "vi", [("amount", "3,8 tỷ")]),
    ("Thành phố chi 2,8 triệu đồng.", "vi", [("amount", "2,8 triệu")]),
    ("Số hộ tăng 54%.", "vi", [("percent", "54%")]),
    ("Ngày 24/10, thành phố hỗ trợ dân.", "vi", [("date", "24/10")]),
    ("Bà Trần Thị Mai, Giám đốc Sở, nói vậy.", "vi", [("name", "Trần Thị Mai")]),
    ("The city helped 1.000 households.", "en", [("number", "1.000")]),  # an English reader sees one
    ("Hanoi spent 2.8 million dong.", "en", [("amount", "2.8 million")]),
    ("On October 24, the city paid.", "en", [("date", "October 24")]),
    ("Ms Tran Thi Mai said so.", "en", [("name", "Tran Thi Mai")]),
    ("The company's project started in April 2019.", "en", [("missing_name", "Samsung")]),  # a name lost
])
def test_facts_the_source_lacks_are_flagged(output: str, lang: str, expected: list[tuple[str, str]]) -> None:
    found = kinds(output, lang)
    if all(kind != "missing_name" for kind, _ in expected):  # these short outputs leave out Samsung: not the point
        found = [(kind, text) for kind, text in found if kind != "missing_name"]
    assert found == expected


def test_kinds_and_unsupported_facts_keep_the_stored_json() -> None:
    """Records written before the types keep reading: kinds are their strings, an unsupported fact an object."""
    assert [k.value for k in FactKind] == ["number", "amount", "percent", "date", "name", "missing_name"]
    stored = {"field": "summary_en", "kind": "missing_name", "text": "Samsung"}
    fact = UnsupportedFact.from_json(stored)
    assert fact.kind is FactKind.MISSING_NAME and fact.to_json() == stored
    checked = check_article(Article(id="a", source="a.txt", title="Tin", text=SOURCE, summary_vi="Có 9 hộ dân.",
                                    summary_en="The company's 5,000 households."))
    assert checked.unsupported == [UnsupportedFact("summary_vi", FactKind.NUMBER, "9"),
                                   UnsupportedFact("summary_en", FactKind.NUMBER, "5,000")]
    assert checked.to_record()["unsupported"] == [{"field": "summary_vi", "kind": "number", "text": "9"},
                                                  {"field": "summary_en", "kind": "number", "text": "5,000"}]
    assert Article.from_record(json.loads(json.dumps(checked.to_record()))) == replace(checked, text="")


def en(output: str, source: str) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in unsupported(output, Source.of(source), "en")]


@pytest.mark.parametrize(("source", "output"), [
    ("Tôi đã sống ở Libya, Zambia và Tunisia.", "I lived with Libyan, Zambians and Tunisian families."),
    ("Ba tôn giáo của Abraham.", "The three Abrahamic faiths."),
    ("Ông ấy đến từ Egypt, bà ấy từ China và France.", "He is Egyptian, she is Chinese, they speak French."),
    ("Họ đến từ Germany và Israel.", "They are German and Israeli."),
    ("Tôi gặp người từ Peru và Philippines.", "I met Peruvians and Filipinos."),
])
def test_a_place_translated_as_its_demonym_or_adjective_survives(source: str, output: str) -> None:
    assert en(output, source) == []


@pytest.mark.parametrize(("source", "output"), [
    ("Tôi gặp Sabina hôm qua.", "I met Sabrina yesterday."),  # one letter apart
    ("Chúng tôi chuyển đến nơi mà Conor thấy an toàn.", "We moved where Connor felt safe."),
    ("Họ đọc Kinh Koran mỗi ngày.", "They read Quranic verses every day."),  # another spelling, as an adjective
    ("Tôi học ở New York.", "I studied at NYU."),  # the name's initials begin an initialism
    ("Tôi làm việc cho United Nations.", "I work for the UN."),
])
def test_a_name_written_another_way_survives(source: str, output: str) -> None:
    assert en(output, source) == []


@pytest.mark.parametrize(("source", "output", "lost"), [
    ("Tôi đã sống ở Libya.", "I lived in Kenya.", "Libya"),
    ("Tôi gặp Sabina hôm qua.", "I met Maria yesterday.", "Sabina"),
    ("Tôi học ở New York.", "I studied at UCLA.", "New York"),
])
def test_a_name_lost_in_translation_is_still_flagged(source: str, output: str, lost: str) -> None:
    assert en(output, source) == [("missing_name", lost)]


@pytest.mark.parametrize(("source", "output"), [
    ("Hàng chục nghìn người đã xuống đường.", "10 thousands of people took to the streets."),
    ("Chúng tôi đi bộ tám, mười dặm mỗi ngày.", "We walked eight, 10 miles a day."),
    ("Căn phòng rộng 150x10 bộ.", "The room was 150 feet by 10 feet."),  # units apart from the values
    ("Hòn đảo rộng 26 dặm vuông.", "The island is 26 square miles."),
    ("Khoảng 50 người và hơn 200 con chó đã đến.", "50 people and more than 200 dogs came."),
    ("Có vài người và hàng chục con mèo ở đó.", "There were 3 people and 30 cats there."),
    ("Hai mươi mốt năm trước, ba trăm người sống ở đây.", "21 years ago, 300 people lived here."),
    ("Hiện có khoảng 10,000 loài chim.", "There are 10,000 species of birds."),  # an English-style source figure
])
def test_quantities_said_in_words_or_approximately_are_the_same_figures(source: str, output: str) -> None:
    assert en(output, source) == []


@pytest.mark.parametrize(("source", "output", "wrong"), [
    ("Hàng chục nghìn người đã xuống đường.", "300 thousands of people took to the streets.", "300 thousands"),
    ("Chúng tôi đi bộ tám, mười dặm mỗi ngày.", "We walked eight, 12 miles a day.", "12"),
    ("Khoảng 50 người đã đến.", "About 58 people came.", "58"),  # an approximation is of its own figure
    ("Khoảng 50 người đã đến.", "53 people came.", "53"),
    ("Có vài người ở đó.", "There were 30 people there.", "30"),
])
def test_a_changed_figure_is_flagged_beside_words_and_ranges(source: str, output: str, wrong: str) -> None:
    assert en(output, source) == [("number" if " " not in wrong else "amount", wrong)]


COUNTED = "Anh ấy bị phạt 6 tháng tù, học sinh lớp 7 bị thương. Hai mươi mốt người và mười năm."


@pytest.mark.parametrize(("output", "flagged"), [
    ("Có 6 người bị thương.", ["6"]),  # the article's 6 counts months
    ("Anh ấy bị phạt 6 tháng.", []),
    ("Con số là 6.", []),  # no counted noun: the value alone
    ("Học sinh lớp 6 bị thương.", ["6"]),  # the article's 6 is not a class
    ("Học sinh lớp 7 và 21 người.", []),
    ("Có 7 người bị thương.", ["7"]),
    ("Sau 10 năm, 15 năm.", ["15"]),  # "mười năm" is ten years, not fifteen
    ("Có 6 và 21 người.", ["6"]),  # a figure in a list counts what the list counts
    ("Đội gồm 21 thành viên, 21 học sinh.", []),  # nouns that count people count the same thing
])
def test_a_vietnamese_figure_must_count_what_the_article_counts(output: str, flagged: list[str]) -> None:
    assert [f.text for f in unsupported(output, Source.of(COUNTED))] == flagged


def test_a_unit_written_in_full_or_abbreviated_is_one_unit() -> None:
    source = Source.of("Máy bay rơi 6.700 m mỗi phút, cách 26km, sau 3h bay, chở 9 tấn hàng.")
    assert unsupported("Máy bay rơi 6.700 mét mỗi phút, cách 26 km, sau 3 tiếng bay.", source) == []
    assert [f.text for f in unsupported("Máy bay chở 9 người, rơi 26 tấn.", source)] == ["9", "26"]


def test_a_summary_of_several_articles_is_checked_against_all_of_them() -> None:
    articles = ["Ngày 23/10, ông Nguyễn Văn An nói 12 người bị thương.", "Bão làm 3 người chết ở Hà Tĩnh."]
    story = Source.of_many(articles)
    assert unsupported("Ngày 23/10, bão làm 12 người bị thương, 3 người chết ở Hà Tĩnh.", story) == []
    assert [f.text for f in unsupported("Bão làm 5 người chết ở Quảng Bình ngày 24/10.", story)] == \
        ["24/10", "5", "Quảng Bình"]
    assert [f.text for f in unsupported("Ông An Bão nói vậy.", story)] == ["An Bão"]  # not across two articles
    # A summary of many articles leaves names out by design: no missing_name against several.
    assert unsupported("A storm killed 3 people.", Source.of_many(["Samsung nói 3 người chết.", "Tin khác."]),
                       "en") == []


def test_extractive_summaries_are_never_flagged() -> None:
    """Sentences taken from the article state only what it states, whatever their figures look like."""
    sources = [ROOT / "seeds"]
    dev = ROOT.parent / "shared" / "vietnews" / "dev.jsonl"  # the 300 VietNews dev articles, where present
    if dev.exists():
        sources.append(dev)
    summarizer = ExtractiveSummarizer()
    for source in sources:
        articles = [a for a in clean_articles(read_inputs([source])) if a.ok]
        for length in (20, 120):
            summarizer.params = summarizer.params.model_copy(update={"target_syllables": length, "max_sentences": 7})
            for article in summarize_articles(articles, summarizer):
                # The check stage skips extractive summaries on this ground: checked here in full.
                source = Source.of(f"{article.title or ''}\n{article.text}")
                assert unsupported(article.summary_vi or "", source) == [], (article.id, article.summary_vi)


def test_digests_mark_flagged_facts_escaped() -> None:
    record = Article(id="a", source="a.txt", title="Tin", summary_vi="Có <b>99</b> người.", summary_en="99 people.",
                     unsupported=[UnsupportedFact("summary_vi", FactKind.NUMBER, "99"),
                                  UnsupportedFact("summary_en", FactKind.NUMBER, "99")])
    page = render_html([record], "en")
    assert '&lt;b&gt;<mark class="unsupported" title="not found in the source">99</mark>&lt;/b&gt;' in page
    assert "Stories with numbers, dates or names not found in their source: 1, marked" in page
    text = render_markdown([record], "en")
    assert "**English:** **99**⚠ people." in text and "\\<b\\>**99**⚠\\</b\\>" in text


def test_check_command_on_any_jsonl(tmp_path: Path) -> None:
    rows = [{"id": "ok", "src": SOURCE, "out": "Hà Nội chi 2,8 tỉ đồng."},
            {"id": "bad", "src": SOURCE, "out": "Hà Nội chi 9,8 tỉ đồng ngày 1/11."},
            {"id": "nosource", "out": "x"}]
    feed = tmp_path / "pairs.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "{torn\n", encoding="utf-8")
    done = vnsumm("check", str(feed), "--source-field", "src", "--output-field", "out", "--out",
                  str(tmp_path / "checked.jsonl"))
    assert done.returncode == 1  # two lines could not be checked; each says why
    assert "1 of 4 records state facts their source lacks (1 amount, 1 date); 2 failed" in done.stderr
    checked = read_jsonl(tmp_path / "checked.jsonl")
    assert [r.get("id") for r in checked] == ["ok", "bad", "nosource", None]
    assert checked[0]["unsupported"] == []
    assert checked[1]["unsupported"] == [{"field": "out", "kind": "date", "text": "1/11"},
                                         {"field": "out", "kind": "amount", "text": "9,8 tỉ"}]
    assert "no text in field 'src'" in checked[2]["error"] and "malformed JSON" in checked[3]["error"]


@pytest.mark.parametrize(("source", "output"), [
    ("Sau sự kiện 11/9, mọi thứ thay đổi.", "After 9/11, everything changed."),  # month first, as the US writes
    ("Cuộc họp diễn ra ngày 23/10.", "The meeting took place on 10/23."),  # only month/day is a date
    ("Cuộc họp diễn ra ngày 3/4.", "The meeting took place on 3/4."),  # day first, as Britain writes
])
def test_an_english_numeric_date_reads_day_first_or_month_first(source: str, output: str) -> None:
    assert en(output, source) == []


@pytest.mark.parametrize(("source", "output", "wrong"), [
    ("Sau sự kiện 11/9, mọi thứ thay đổi.", "After 9/12, everything changed.", "9/12"),
    ("Cuộc họp diễn ra ngày 3/4.", "The meeting took place on 5/4.", "5/4"),
    ("Cuộc họp diễn ra ngày 23/10.", "The meeting took place on 10/24.", "10/24"),
])
def test_a_changed_english_numeric_date_is_flagged_either_way(source: str, output: str, wrong: str) -> None:
    assert en(output, source) == [("date", wrong)]


@pytest.mark.parametrize(("source", "output", "flagged"), [
    ("Bà ấy đến Paris vào năm 1968.", "She came to Paris in '68.", []),  # a year by its last two digits
    ("Bà ấy đến Paris vào năm 1968.", "She came to Paris in ’68.", []),
    ("Bà ấy đến Paris vào năm 68.", "She came to Paris in 1968.", []),  # and the other way round
    ("Bà ấy đến Paris vào năm 1968.", "She came to Paris in '69.", ["'69"]),
    ("Bà ấy đến Paris sau 68 ngày.", "She came to Paris in 1968.", ["1968"]),  # 68 days are no year
    ("Bà ấy đến Paris vào năm 68.", "She came to Paris in 1969.", ["1969"]),
    ("Lớp tốt nghiệp năm 1968.", "The class'68 graduated.", ["68"]),  # an apostrophe inside a word: no year
])
def test_a_year_said_with_two_digits_is_the_year(source: str, output: str, flagged: list[str]) -> None:
    assert [text for kind, text in en(output, source) if kind != "missing_name"] == flagged


@pytest.mark.parametrize(("source", "output", "lost"), [
    ("Hãy gặp Al, con robot đầu tiên.", "So meet Al, the first robot.", []),  # a short name kept as it is
    ("Họ xem phim Phù thủy xứ Oz.", "They watched the Wizard of Oz.", []),
    ("Hãy gặp Al, con robot đầu tiên.", "So meet Bo, the first robot.", ["Al"]),
    ("Tôi gặp Le Monde.", "I met the editors of le journal.", ["Le Monde"]),  # a short word alone is not the name
])
def test_a_short_latin_name_survives_as_it_is(source: str, output: str, lost: list[str]) -> None:
    assert [text for _, text in en(output, source)] == lost

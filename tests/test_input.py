"""Reading real-world input: encodings, HTML, JSONL, bad files; and the cleaning stage on the seed pages."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from helpers import ROOT, read_jsonl, vnsumm
from hypothesis import given, settings
from hypothesis import strategies as st

from vnsumm import Article, clean_articles, clean_text, read_inputs
from vnsumm.lang.text import fold_tones
from vnsumm.readers import Fields, UnreadableInput, decode

SEED = (ROOT / "seeds" / "004_eec55141b9a6cb32.txt").read_text(encoding="utf-8")
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 stores most tone marks as combining characters after the base letter."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
            out += (base + "".join(c for c in decomposed if c in TONES)).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"), lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-be"), cp1258, lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16", "utf16-be-no-bom", "windows-1258", "utf8-nfd"])
def test_encodings_round_trip_to_nfc(encode) -> None:  # type: ignore[no-untyped-def]
    assert decode(encode(SEED)) == unicodedata.normalize("NFC", SEED).replace("\r\n", "\n")


def test_tone_policy_keeps_spelling_and_compares_folded() -> None:
    assert decode("Hoà bình, thuỷ lợi".encode()) == "Hoà bình, thuỷ lợi"  # output keeps the source's spelling
    assert fold_tones("Hoà bình, thuỷ lợi, khoá học, quý") == "Hòa bình, thủy lợi, khóa học, quý"
    page = "Tiêu đề bài viết\n\nHội nghị bàn về hoà bình và thuỷ lợi.\n\nHội nghị bàn về hòa bình và thủy lợi."
    assert clean_text(page).lines == ["Hội nghị bàn về hoà bình và thuỷ lợi."]  # the same paragraph twice


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"), (b"  \n\t\n ", "only whitespace"), (bytes(range(256)) * 40, "binary"),
])
def test_unreadable_bytes_have_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableInput, match=reason):
        decode(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_reader_or_cleaner(data: bytes) -> None:
    try:
        text = decode(data)
    except UnreadableInput:
        return
    result = clean_text(text)
    assert all("\n" not in line for line in result.lines)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_random_text_never_crashes_cleaner(text: str) -> None:
    clean_text(text)


# Lines each seed must keep (body) and lose (boilerplate).
KEEP = {
    "000_4edd2bfb966015df": ["Sáng 28/5/2020, tại TP. Hà Nội, Đảng ủy Khối những cơ quan Trung ương",
                             "Phát biểu Tóm lại Hội nghị, chiến sỹ Vũ Đức Nam"],
    "001_90ddfd1562c07cf7": ["Sáng 07/8/2020, tại Hà Nội, Đoàn Công tác", "Trong tình hình hiện nay, để hoàn thành"],
    "002_96935cde4c223bd0": ["Tham dự Hội nghị có các đồng chí", "Phát biểu kết luận Hội nghị, đồng chí Lê Hồng Quân"],
    "003_a8bbc42e34f2cb4c": ["Ngày 1-7, Ban Tổ chức Trung ương tổ chức Hội nghị trực tuyến",
                             "Đồng chí nhấn mạnh, ngành tập trung vào 10 nhóm giải pháp"],
    "004_eec55141b9a6cb32": ["Phát biểu chỉ đạo tại Hội nghị quán triệt Chỉ thị 35 CT/TW",
                             "Theo báo cáo tổng hợp của Ban Tổ chức hội nghị"],
}
DROP = {
    "000_4edd2bfb966015df": ["img_3866205b640x4805d", "28/05/2020 | 1165", "Ảnh: Đồng chí Sơn Minh Thắng", "A.H",
                             "Trả lời", "Email của bạn sẽ không được hiển thị"],
    "001_90ddfd1562c07cf7": ["Ảnh: Toàn cảnh buổi làm việc", "Các bài viết khác", "18 ngày trước",
                             "(1 tháng trước)", "07/08/2020 | 236"],
    "002_96935cde4c223bd0": ["Thứ 5 Ngày 22/08/2019", "của Bộ Chính trị; Kế hoạch của Tỉnh ủy, Ban Thường vụ",
                             "Văn phòng Đảng ủy khối các cơ quan tỉnh", "Các tin khác"],
    "003_a8bbc42e34f2cb4c": ["Tiếng việt | English", "Video không hợp lệ", "Các đại biểu dự hội nghị tại điểm cầu",
                             "Tin, ảnh: Trang Tâm", "Tin cùng chuyên mục"],
    "004_eec55141b9a6cb32": ["(Baonghean.vn)", "Ảnh: Thanh Quỳnh", "cải thiện nhà ở hưởng ứng Thư Kêu gọi"],
}


def test_seed_pages_keep_body_and_lose_boilerplate() -> None:
    articles = {a.id: a for a in clean_articles(read_inputs([ROOT / "seeds"]))}
    for seed_id, lines in KEEP.items():
        text = articles[seed_id].text
        for line in lines:
            assert line in text, (seed_id, line)
        for line in DROP[seed_id]:
            assert line not in text, (seed_id, line)
    # The lead printed twice in 002 survives once.
    assert articles["002_96935cde4c223bd0"].text.count("Sáng ngày 21/8/2019") == 1
    assert articles["004_eec55141b9a6cb32"].publisher == "Baonghean.vn"
    assert articles["003_a8bbc42e34f2cb4c"].title == "Ban Tổ chức Trung ương tổ chức Hội nghị trực tuyến toàn quốc"
    assert articles["002_96935cde4c223bd0"].date == "2019-08-22"
    assert articles["000_4edd2bfb966015df"].date == "2020-05-28"


HTML = """<!DOCTYPE html><html><head><title>Hà Nội khai trương tuyến buýt điện | Báo Mẫu</title>
<meta property="og:title" content="Hà Nội khai trương tuyến buýt điện">
<meta property="article:published_time" content="2023-03-15T08:00:00+07:00">
<script>var tracking = "SECRET_SCRIPT_TEXT";</script><style>.x{color:red}</style></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/xa-hoi">Xã hội</a> | <a href="/kinh-te">Kinh tế</a></nav>
<article><h1>Hà Nội khai trương tuyến buýt điện</h1>
<p>Sáng 15/3/2023, Hà Nội chính thức đưa vào vận hành tuyến xe buýt điện đầu tiên nối trung tâm với sân bay Nội Bài.</p>
<p>Tuyến buýt dài 35 km, có 20 xe chạy với tần suất 15 phút mỗi chuyến trong giờ cao điểm.</p>
<p>Giá vé được giữ ở mức 9.000 đồng mỗi lượt, bằng các tuyến buýt thông thường của thành phố.</p>
<script>document.write("SECRET_INLINE_SCRIPT")</script></article>
<footer>© 2023 Báo Mẫu. Giấy phép số 123/GP-BTTTT.</footer></body></html>"""


def write_mixed_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "good.txt").write_text(SEED, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("   \n\n \t ")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "utf16.txt").write_bytes(SEED.encode("utf-16"))
    (folder / "legacy.txt").write_bytes(cp1258(SEED))
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + SEED.encode("utf-8"))
    (folder / "page.html").write_text(HTML, encoding="utf-8")
    (folder / "huge.txt").write_text(
        "\n\n".join(f"Đoạn {i}: Hội nghị lần thứ {i} diễn ra tại Hà Nội với nhiều đại biểu tham dự và thảo luận."
                    for i in range(60_000)), encoding="utf-8")
    rows = [{"id": "j1", "title": "Tin một", "text": SEED}, {"id": "j2", "text": SEED.replace("Nghệ An", "Hà Tĩnh")}]
    (folder / "feed.jsonl").write_text(
        json.dumps(rows[0], ensure_ascii=False) + "\n{broken json\n" + json.dumps(rows[1], ensure_ascii=False) + "\n"
        + '{"id": "j3", "title": "no text"}\n', encoding="utf-8")


def test_mixed_folder_run_keeps_going(tmp_path: Path) -> None:
    write_mixed_folder(tmp_path / "in")
    assert (tmp_path / "in" / "huge.txt").stat().st_size > 5_000_000
    done = vnsumm("run", str(tmp_path / "in"), "--lang", "vi", "--summarizer", "extractive",
                  "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "SECRET" not in done.stderr
    records = {r["id"]: r for r in read_jsonl(tmp_path / "out" / "summaries.jsonl")}
    for ok in ("good", "utf16", "legacy", "bom", "page", "huge", "j1", "j2"):
        assert records[ok]["error"] is None and records[ok]["summary_vi"], ok
    for bad, reason in (("empty", "empty file"), ("blank", "whitespace"), ("binary", "binary"),
                        ("feed:2", "malformed JSON"), ("j3", "no field 'text' (fields: id, title)")):
        assert reason in records[bad]["error"], bad
        assert records[bad]["error"] in done.stderr  # one line per failure on the terminal
    assert len(records) == 13
    assert records["legacy"]["summary_vi"] == records["good"]["summary_vi"]
    assert records["page"]["title"] == "Hà Nội khai trương tuyến buýt điện"
    assert records["page"]["date"] == "2023-03-15"
    assert any("characters" in w for w in records["huge"]["warnings"])
    output = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir())
    assert "SECRET" not in output and "Trang chủ" not in output


def test_what_real_files_hold_costs_at_most_their_own_line(tmp_path: Path) -> None:
    """A page with WordPress's zero date and a template's `https://[domain]/` links; a JSONL line with a number past
    Python's digit limit; a UTF-16 JSONL (PowerShell's `>`) larger than a page may be."""
    page = ("<!DOCTYPE html><html><head><meta property='article:published_time' content='0000-00-00T00:00:00+00:00'>"
            "<link rel='canonical' href='https://[domain]/tin'><title>Mưa lớn ở Hà Nội</title></head><body>"
            "<a href='http://a.vn]/x'>x</a><article><h1>Mưa lớn ở Hà Nội</h1>"
            + "".join(f"<p>{line}</p>" for line in SEED.splitlines() if line.strip()) + "</article></body></html>")
    (tmp_path / "zero.html").write_text(page, encoding="utf-8")
    (tmp_path / "big-number.jsonl").write_text(
        json.dumps({"id": "a", "text": SEED}, ensure_ascii=False) + '\n{"id": ' + "1" * 5000 + ', "text": "x"}\n'
        + json.dumps({"id": "b", "text": SEED}, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = "".join(json.dumps({"id": f"w{i}", "text": SEED[:400]}, ensure_ascii=False) + "\n" for i in range(6000))
    (tmp_path / "windows.jsonl").write_bytes(rows.encode("utf-16"))
    assert (tmp_path / "windows.jsonl").stat().st_size > 4 << 20
    articles = {a.id: a for a in read_inputs([tmp_path])}
    assert articles["zero"].ok and articles["zero"].title == "Mưa lớn ở Hà Nội" and articles["zero"].date is None
    assert articles["a"].ok and articles["b"].ok
    assert "malformed JSON line" in (articles["big-number:2"].error or "")
    assert sum(key.startswith("w") and a.ok for key, a in articles.items()) == 6000


def test_clean_command_and_stdin(tmp_path: Path) -> None:
    done = vnsumm("clean", "seeds/", "--out", str(tmp_path / "clean.jsonl"))
    assert done.returncode == 0, done.stderr
    records = read_jsonl(tmp_path / "clean.jsonl")
    assert len(records) == 5 and all({"id", "source", "title", "date", "text"} <= set(r) for r in records)
    piped = vnsumm("clean", "-", "--out", str(tmp_path / "stdin.jsonl"), stdin=SEED.encode("utf-16"))
    assert piped.returncode == 0, piped.stderr
    [record] = read_jsonl(tmp_path / "stdin.jsonl")
    assert record["id"].startswith("stdin-") and record["title"].startswith("Bám sát hướng dẫn")
    # named by content: the same text again has the same id, another text another (a daily pipe keeps yesterday's)
    again = vnsumm("clean", "-", "--out", str(tmp_path / "again.jsonl"), stdin=SEED.encode("utf-8"))
    other = vnsumm("clean", "-", "--out", str(tmp_path / "other.jsonl"), stdin=SEED[200:].encode("utf-8"))
    assert again.returncode == other.returncode == 0
    assert read_jsonl(tmp_path / "again.jsonl")[0]["id"] == record["id"]
    assert read_jsonl(tmp_path / "other.jsonl")[0]["id"] != record["id"]
    url = vnsumm("clean", "https://vnexpress.net/rss/thoi-su.rss", "--out", str(tmp_path / "url.jsonl"))
    assert url.returncode == 2 and "is a URL: `vnsumm run` fetches" in url.stderr  # nothing is fetched here


def test_non_vietnamese_text_is_flagged(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text("The council met on Monday to discuss the budget. It approved the plan. "
                                     "Members said the vote was close.", encoding="utf-8")
    [article] = clean_articles(read_inputs([tmp_path / "en.txt"]))
    assert article.ok and any("Vietnamese" in w for w in article.warnings)


def test_repeated_lines_across_a_run_are_boilerplate(tmp_path: Path) -> None:
    footer = "Đường dây nóng của tòa soạn luôn sẵn sàng tiếp nhận"
    for i, seed in enumerate(sorted((ROOT / "seeds").glob("*.txt"))):
        (tmp_path / f"{i}.txt").write_text(seed.read_text(encoding="utf-8") + f"\n\n{footer}\n\nKết thúc {i}.",
                                           encoding="utf-8")
    articles = clean_articles(read_inputs([tmp_path]))
    assert all(footer not in a.text for a in articles)


def test_csv_and_parquet_rows_with_text_columns(tmp_path: Path) -> None:
    import csv

    import datasets

    rows = [{"key": "c1", "headline": "Tin một", "body": SEED}, {"key": "c2", "headline": "Tin hai", "body": ""}]
    with (tmp_path / "feed.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["key", "headline", "body"])
        writer.writeheader()
        writer.writerows(rows)
    datasets.Dataset.from_list(rows).to_parquet(str(tmp_path / "feed.parquet"))
    for name in ("feed.csv", "feed.parquet"):
        articles = read_inputs([tmp_path / name], Fields(text="body", id="key", title="headline"))
        assert [a.id for a in articles] == ["c1", "c2"]
        assert articles[0].ok and articles[0].title == "Tin một" and "Nghệ An" in articles[0].text
        assert not articles[1].ok and "no text" in (articles[1].error or "")


def test_jsonl_with_raw_line_separators_in_strings(tmp_path: Path) -> None:
    text = SEED.replace("\n\n", "\u2028", 1)  # valid JSON may hold U+2028 unescaped
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "u", "text": text}, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    [article] = read_inputs([tmp_path / "feed.jsonl"])
    assert article.ok and article.id == "u"


def test_a_json_document_on_standard_input(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`jq . feed.json | vnsumm run -`: an array, or one object set out on lines, is read as JSON; rows without an
    id are named by their content, as JSON lines on standard input are."""
    import io
    import sys

    rows = [{"title": "Mưa lớn ở Hà Nội", "text": SEED}, {"id": "b", "text": SEED[200:]}]

    def piped(data: object) -> list[Article]:
        stream = io.BufferedReader(io.BytesIO(json.dumps(data, ensure_ascii=False, indent=2).encode()))
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
        return list(read_inputs(["-"]))

    first, second = piped(rows)
    assert first.ok and second.ok, (first.error, second.error)
    assert first.title == "Mưa lớn ở Hà Nội" and first.id.startswith("stdin-") and second.id == "b"
    assert piped(rows)[0].id == first.id and piped([{**rows[0], "title": "Khác"}])[0].id != first.id
    [one] = piped(rows[0])
    assert one.ok and one.id == first.id
    stream = io.BufferedReader(io.BytesIO(('{"id": "x1",\n "text": ' + json.dumps(SEED) + "\n}\n").encode()))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))  # the first key on the brace's line
    [keyed] = read_inputs(["-"])
    assert keyed.ok and keyed.id == "x1"

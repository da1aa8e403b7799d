"""The row files users have: JSON arrays, TSV, Excel's CSV, CSV in UTF-16 or Windows-1258, HTML in text fields,
UTC timestamps, gzip-compressed feeds; CSV positions as physical lines."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from helpers import read_jsonl, vnsumm
from test_input import SEED, cp1258

from vnsumm import read_inputs
from vnsumm.readers import Fields, count_inputs, parse_date
from vnsumm.readers.markup import field_line, field_text, has_markup
from vnsumm.readers.tabular import header_delimiter

BODY = SEED[:600]
ROWS = [{"id": "a1", "title": "Tin một", "text": BODY}, {"title": "Tin hai", "text": BODY.replace("Nghệ An", "Huế")}]


def test_json_arrays_objects_and_one_article_are_rows(tmp_path: Path) -> None:
    (tmp_path / "array.json").write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "wrapped.json").write_text(json.dumps({"total": 2, "data": ROWS}), encoding="utf-8")
    (tmp_path / "one.json").write_bytes(json.dumps({"title": "Một", "body": BODY}).encode("utf-16"))
    array = read_inputs([tmp_path / "array.json"])
    assert [a.id for a in array] == ["a1", "array:2"] and all(a.ok for a in array)
    assert array[0].text == BODY and array[1].title == "Tin hai" and array[1].source.endswith("array.json#2")
    assert [a.id for a in read_inputs([tmp_path / "wrapped.json"])] == ["a1", "wrapped:2"]
    [one] = read_inputs([tmp_path / "one.json"], Fields(text="body"))
    assert one.ok and one.id == "one" and one.text == BODY and one.title == "Một"


@pytest.mark.parametrize(("content", "reason"), [
    ("[{\"id\": 1,", "malformed JSON"), ("[]", "no articles"), ("\"text\"", "JSON holds str"),
    ("{\"a\": [{\"x\": 1}], \"b\": [{\"y\": 2}]}", "2 lists of objects"),
    ("{\"meta\": 1}", "no field 'text' and no list of articles (fields: meta)"),
])
def test_json_without_articles_is_one_error_record(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "feed.json").write_text(content, encoding="utf-8")
    [record] = read_inputs([tmp_path / "feed.json"])
    assert not record.ok and record.id == "feed" and reason in (record.error or "")
    assert (record.error or "").startswith(str(tmp_path / "feed.json"))


def test_json_rows_that_are_not_articles_cost_themselves(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text(json.dumps([ROWS[0], 5, {"id": "x"}]), encoding="utf-8")
    articles = read_inputs([tmp_path / "feed.json"])
    assert [a.ok for a in articles] == [True, False, False]
    assert "row is int" in (articles[1].error or "") and "no field 'text'" in (articles[2].error or "")


def write_csv(path: Path, delimiter: str, encode=lambda text: text.encode("utf-8")) -> None:  # type: ignore[no-untyped-def]
    lines = [delimiter.join(["id", "title", "text"])]
    for i, row in enumerate(ROWS):
        text = row["text"].replace("\n\n", " ").replace('"', "'")
        lines.append(delimiter.join([f"r{i}", row["title"], f'"{text}; có dấu phẩy, chấm phẩy"']))
    path.write_bytes(encode("\r\n".join(lines) + "\r\n"))


@pytest.mark.parametrize(("name", "delimiter", "encode"), [
    ("excel.csv", ";", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
    ("tabs.tsv", "\t", lambda t: t.encode("utf-8")),
    ("pipes.csv", "|", lambda t: t.encode("utf-8")),
    ("tabs.csv", "\t", lambda t: t.encode("utf-8")),
    ("wide.csv", ",", lambda t: t.encode("utf-16")),
    ("windows.csv", ";", cp1258),
], ids=["excel-bom-semicolon", "tsv", "pipe", "tab-in-csv", "utf16", "windows-1258"])
def test_csv_dialects_and_encodings(tmp_path: Path, name: str, delimiter: str, encode) -> None:  # type: ignore[no-untyped-def]
    write_csv(tmp_path / name, delimiter, encode)
    articles = read_inputs([tmp_path / name])
    assert [a.id for a in articles] == ["r0", "r1"], [a.error for a in articles]
    assert all(a.ok for a in articles) and articles[0].title == "Tin một"
    assert "\ufffd" not in articles[0].text and articles[0].text.startswith(BODY.split("\n")[0])
    assert articles[1].text.endswith("; có dấu phẩy, chấm phẩy")


def test_csv_bytes_past_the_detected_encoding_are_not_silent(tmp_path: Path) -> None:
    ascii_rows = "".join(f"a{i},plain ascii text number {i}\n" for i in range(3000))  # over the 64 KiB sample
    late = cp1258(" ".join(BODY[:200].split()))
    (tmp_path / "late.csv").write_bytes(b"id,text\n" + ascii_rows.encode() + b"z," + late + b"\n")
    articles = read_inputs([tmp_path / "late.csv"])
    assert len(articles) == 3001 and all(a.ok for a in articles) and not articles[0].warnings
    assert any("replaced by U+FFFD" in w for w in articles[-1].warnings)


def test_header_delimiter_counts_outside_quotes() -> None:
    assert header_delimiter('id;"title, long";text') == ";"
    assert header_delimiter("text") == ","
    assert header_delimiter("a,b;c") == ","  # a tie: the first of , ; tab |
    assert header_delimiter("a\tb\tc,d") == "\t"


def test_csv_positions_are_physical_lines(tmp_path: Path) -> None:
    (tmp_path / "lines.csv").write_text(
        f'id,title,text\nm1,A,"{BODY[:80]}\nsecond line"\n\nm2,B\nm3,C,{BODY[:80]}\n', encoding="utf-8")
    articles = read_inputs([tmp_path / "lines.csv"])
    assert [a.id for a in articles] == ["m1", "lines:2", "m3"]  # fallback ids number the data rows
    assert [a.source.rsplit(":", 1)[1] for a in articles] == ["2", "5", "6"]
    assert (articles[1].error or "").startswith(f"{tmp_path / 'lines.csv'}:5: row has 2 columns")


def test_gzip_compressed_feeds(tmp_path: Path) -> None:
    jsonl = "".join(json.dumps({"id": f"g{i}", "text": BODY}, ensure_ascii=False) + "\n" for i in range(3))
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(jsonl.encode("utf-8")))
    (tmp_path / "rows.json.gz").write_bytes(gzip.compress(json.dumps(ROWS).encode("utf-8")))
    write_csv(tmp_path / "plain.tsv", "\t")
    (tmp_path / "table.tsv.gz").write_bytes(gzip.compress((tmp_path / "plain.tsv").read_bytes()))
    (tmp_path / "plain.tsv").unlink()
    write_csv(tmp_path / "plain.csv", ";", cp1258)
    (tmp_path / "excel.csv.gz").write_bytes(gzip.compress((tmp_path / "plain.csv").read_bytes()))
    (tmp_path / "plain.csv").unlink()
    read = read_inputs([tmp_path])
    articles = {a.id: a for a in read}
    # The CSV's rows are the TSV's (another encoding, the same text): read once.
    assert {"g0", "g1", "g2", "a1", "rows:2", "r0", "r1"} == set(articles) and len(read) == len(articles)
    assert all(a.ok for a in articles.values()) and articles["r0"].title == "Tin một"
    assert count_inputs([str(tmp_path / "feed.jsonl.gz")]) == 3  # progress counts the lines inside


def test_damaged_or_unsupported_compressed_files_are_error_records(tmp_path: Path) -> None:
    rows = "".join(json.dumps({"id": f"r{i}", "text": os.urandom(40).hex()}) + "\n" for i in range(3000))
    packed = gzip.compress(rows.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[:len(packed) // 2])
    (tmp_path / "fake.csv.gz").write_bytes(b"id,text\n1,plain text\n")
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(BODY.encode()))
    (tmp_path / "hidden.txt").write_bytes(gzip.compress(BODY.encode()))
    articles = read_inputs([tmp_path])
    failed = {a.id: a.error or "" for a in articles if not a.ok}
    assert "damaged compressed (gzip) file" in failed["cut"] and "damaged compressed (gzip)" in failed["fake"]
    assert sum(a.ok for a in articles) > 1000  # the rows before the damage are kept
    assert "compressed (gzip) .txt: not supported" in failed["notes"]
    assert "compressed (gzip) file" in failed["hidden"]


CMS = ('<div class="content"><figure class="image"><img src="/a.jpg"><figcaption>Ảnh: Lễ đón đoàn</figcaption>'
       '</figure><p>Lễ&nbsp;đón đoàn đại biểu &amp; khách mời diễn ra sáng nay.</p><p>Dòng một<br/>dòng hai</p>'
       '<script>var SECRET = 1;</script><style>.x{color:red}</style><p>Kết thúc &lt;3&gt;.</p></div>')


def test_html_in_text_fields_becomes_text(tmp_path: Path) -> None:
    rows = [{"id": "h1", "title": "Lễ đón &amp; <b>khách</b> mời", "text": CMS},
            {"id": "h2", "title": "Giá < 5 triệu", "text": "Giá dưới 5 < 7 triệu, x>2 vẫn là văn bản."}]
    (tmp_path / "cms.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                        encoding="utf-8")
    h1, h2 = read_inputs([tmp_path / "cms.jsonl"])
    assert h1.text == ("Lễ đón đoàn đại biểu & khách mời diễn ra sáng nay.\nDòng một\ndòng hai\nKết thúc <3>.")
    assert h1.title == "Lễ đón & khách mời"
    assert h2.text == rows[1]["text"] and h2.title == "Giá < 5 triệu"


def test_markup_detection_and_photo_story_captions() -> None:
    assert has_markup("<p>x</p>") and has_markup("một<br>hai") and has_markup('<img src="a.jpg">')
    assert not has_markup("a < b và c > d") and not has_markup("<Hà Nội>") and not has_markup("x <3 y")
    caption = "Ảnh: toàn cảnh lễ đón đoàn đại biểu tại quảng trường trung tâm thành phố sáng nay."
    photo = f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure><p>Ảnh: TTXVN</p>"
    assert field_text(photo) == f"Ảnh: TTXVN\n{caption}"  # less text than captions: a photo story keeps them
    assert field_text("AT&amp;T và &quot;Viettel&quot;") == 'AT&T và "Viettel"'
    assert field_line("Tin &amp; ảnh") == "Tin & ảnh"


def test_markup_only_text_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text('{"id": "e", "text": "<div><script>x()</script></div>"}\n')
    [record] = read_inputs([tmp_path / "feed.jsonl"])
    assert not record.ok and "no text in field 'text'" in (record.error or "")


@pytest.mark.parametrize(("value", "date"), [
    ("2024-05-01T20:30:00Z", "2024-05-02"), ("2024-05-01T20:30:00+00:00", "2024-05-02"),
    ("2024-05-01T16:59:59Z", "2024-05-01"), ("2024-05-01T23:30:00+07:00", "2024-05-01"),
    ("2024-05-01T20:30:00", "2024-05-01"), ("2024-05-01", "2024-05-01"), ("01/05/2024", "2024-05-01"),
    ("2024-12-31T18:00:00.000Z", "2025-01-01"), ("2024-05-01 20:30:00 +00:00", "2024-05-02"),
])
def test_row_timestamps_with_an_offset_are_dated_in_vietnam_time(value: str, date: str) -> None:
    assert parse_date(value) == date


def test_row_dates_in_files_use_vietnam_time(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "d", "text": BODY, "date": "2024-05-01T20:30:00Z"}) + "\n")
    [article] = read_inputs([tmp_path / "feed.jsonl"])
    assert article.date == "2024-05-02"


def test_date_field_option(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(json.dumps(
        {"id": "p", "text": BODY, "date": "2020-01-01", "published_at": "2024-05-01T20:30:00Z"}) + "\n")
    done = vnsumm("clean", str(tmp_path / "feed.jsonl"), "--date-field", "published_at",
                  "--out", str(tmp_path / "clean.jsonl"))
    assert done.returncode == 0, done.stderr
    [record] = read_jsonl(tmp_path / "clean.jsonl")
    assert record["date"] == "2024-05-02"


def test_a_page_past_the_size_limit_says_how_much_of_it_was_read(tmp_path: Path) -> None:
    from vnsumm.readers.text import MAX_PAGE_BYTES

    body = "<p>Hà Nội mưa lớn chiều nay, nhiều tuyến phố ngập sâu khiến giao thông ùn tắc kéo dài.</p>\n"
    page = tmp_path / "big.html"
    page.write_text("<html><body><article><h1>Mưa lớn ở Hà Nội</h1>" + body * 20
                    + "<!--" + "x" * MAX_PAGE_BYTES + "--></article></body></html>", encoding="utf-8")
    [article] = read_inputs([page])
    assert article.ok and f"file too long: only its first {MAX_PAGE_BYTES:,} bytes are read" in article.warnings


def test_a_stray_quote_inside_a_quoted_cell_costs_nothing(tmp_path: Path) -> None:
    """`"Ông nói "không" nhé"`: written by hand or by a careless exporter. Read as meant, the row keeps its text and
    its line breaks, instead of ending at the quote and cutting the rest of the article into fake rows."""
    texts = [f"Đoạn một của bài {i}, có dấu phẩy.\nĐoạn hai của bài {i}, cũng có dấu phẩy, dài hơn." for i in range(4)]
    texts[1] = 'Ông Nam nói "không có chuyện đó", rồi đi.\nSau đó, ông nói "sẽ làm rõ" với báo chí.'
    rows = "".join(f'r{i},Tin {i},"{text}"\n' for i, text in enumerate(texts))
    (tmp_path / "feed.csv").write_text("id,title,text\n" + rows, encoding="utf-8")
    articles = read_inputs([tmp_path / "feed.csv"])
    assert [a.id for a in articles] == ["r0", "r1", "r2", "r3"] and all(a.ok for a in articles)
    assert articles[1].text == texts[1]
    assert count_inputs([str(tmp_path / "feed.csv")]) == 4  # records, not the lines of their cells, for progress


def test_a_csv_of_a_header_alone_says_so_and_a_short_row_is_counted_right(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("id,title,text\n\n", encoding="utf-8")
    [empty] = read_inputs([tmp_path / "empty.csv"])
    assert empty.error == f"{tmp_path / 'empty.csv'}: CSV holds a header and no rows"
    (tmp_path / "short.csv").write_text("id,title,text\nlone\n", encoding="utf-8")
    [short] = read_inputs([tmp_path / "short.csv"])
    assert short.error == f"{tmp_path / 'short.csv'}:2: row has 1 column, the header 3"



def test_what_the_lazy_quote_repair_leaves_as_errors_is_said(tmp_path: Path) -> None:
    """A space after a closing quote still closes it; a row with a column too many is still an error; a quotation
    that ends a paragraph of an undoubled cell ends the cell (the file cannot tell), and the row says it may be
    cut short, as the next line fails to parse."""
    (tmp_path / "feed.csv").write_text(
        'id,title,text\n1,T1,"Một." \n2,T2,"Hai.","thừa"\n3,T3,"Ba: "Chúng tôi làm ngay."\nĐoạn hai."\n'
        '4,T4,"Bốn."\n', encoding="utf-8")
    one, two, three, rest, four = read_inputs([tmp_path / "feed.csv"])
    assert (one.id, one.text, one.ok, one.warnings) == ("1", "Một.", True, [])
    assert two.error == f"{tmp_path / 'feed.csv'}:3: row has 4 columns, the header 3"
    assert three.ok and any("may be cut short" in w for w in three.warnings)
    assert not rest.ok and (four.id, four.text) == ("4", "Bốn.")

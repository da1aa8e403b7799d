"""Real pages, real metadata: headline, date (and where it was read), publisher, lead and body of saved pages and
plain-text articles. The HTML below reproduces the structure of real Vietnamese news pages (Dân trí, VnExpress,
Tuổi Trẻ), trimmed."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT

from vnsumm import Article, clean_articles, read_inputs, render_html, render_markdown
from vnsumm.pages import strip_site_suffix, url_date

BODY = "".join(f"<p>Đoạn {i}: Cục Hàng không Việt Nam vừa quyết định tăng thêm 32 chuyến bay mỗi ngày tại sân bay "
               f"Tân Sơn Nhất trong dịp Tết, tương đương khoảng 6.000 ghế.</p>" for i in range(1, 6))


def page(head: str, article: str) -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>'
            '<nav><a href="/">Trang chủ</a> <a href="/xa-hoi.htm">Xã hội</a></nav>'
            f'<main><article>{article}</article></main><footer>© Báo điện tử Dân Trí</footer></body></html>')


def read(tmp_path: Path, html: str) -> Article:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [article] = clean_articles(read_inputs([path]))
    return article


def test_image_paths_never_date_a_page_and_the_canonical_url_does(tmp_path: Path) -> None:
    """A Dân trí page saved without a date tag: its pictures were uploaded a year earlier."""
    html = page(
        '<meta property="og:title" content="Cục hàng không tăng cường các chuyến bay dịp Tết">'
        '<meta property="og:site_name" content="Báo điện tử Dân Trí">'
        '<meta property="og:image" content="https://icdn.dantri.com.vn/zoom/1200_630/2021/12/21/hangkhong.jpeg">'
        '<link rel="canonical" href="https://dantri.com.vn/xa-hoi/cuc-hang-khong-20221224152117143.htm">',
        '<h1>Cục hàng không tăng cường các chuyến bay dịp Tết</h1>'
        '<img src="https://icdn.dantri.com.vn/2021/12/21/hangkhong-crop.jpeg">' + BODY)
    article = read(tmp_path, html)
    assert (article.date, article.date_source) == ("2022-12-24", "url")
    assert article.publisher == "Báo điện tử Dân Trí"
    assert article.title == "Cục hàng không tăng cường các chuyến bay dịp Tết"


def test_json_ld_date_site_suffix_and_the_lead_a_page_keeps_apart(tmp_path: Path) -> None:
    """VnExpress-like: JSON-LD datePublished, a title with the site's name appended, the lead in p.description."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2023-11-02T19:20:45+07:00",
          "headline": "Sẽ nâng mức giảm trừ gia cảnh", "publisher": {"@type": "Organization", "name": "VnExpress"}}
    lead = ("Bộ trưởng Tài chính Hồ Đức Phớc thừa nhận mức giảm trừ gia cảnh tính thuế thu nhập cá nhân hiện thấp "
            "so với cuộc sống tại các đô thị.")
    html = page(
        f'<title>Sẽ nâng mức giảm trừ gia cảnh - VnExpress Kinh doanh</title>'
        f'<meta property="og:title" content="Sẽ nâng mức giảm trừ gia cảnh - Kinh doanh - VnExpress">'
        f'<meta name="description" content="{lead}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        f'<h1 class="title-detail">Sẽ nâng mức giảm trừ gia cảnh</h1><p class="description">{lead}</p>' + BODY)
    article = read(tmp_path, html)
    assert (article.date, article.date_source) == ("2023-11-02", "meta")
    assert article.title == "Sẽ nâng mức giảm trừ gia cảnh" and article.publisher == "VnExpress"
    assert article.text.startswith(lead)


def test_a_photo_story_keeps_its_captions_as_text(tmp_path: Path) -> None:
    captions = [f"Cầu thủ số {i} của đội tuyển đã tăng giá thêm {i * 5} triệu euro sau World Cup nhờ phong độ ổn "
                "định ở mọi trận đấu." for i in range(1, 5)]
    html = page('<meta property="og:title" content="Top 10 ngôi sao tăng giá mạnh nhất sau World Cup">',
                "<h1>Top 10 ngôi sao tăng giá mạnh nhất sau World Cup</h1>"
                + "".join(f'<figure><img src="a{i}.jpg"><figcaption>{c}</figcaption></figure>'
                          for i, c in enumerate(captions)))
    article = read(tmp_path, html)
    assert article.ok, article.error
    assert all(caption in article.text for caption in captions)


def test_title_suffixes_and_url_dates() -> None:
    title = "Quốc hội thông qua luật - Chính trị - Xã hội - Tuổi Trẻ Online"
    assert strip_site_suffix(title, ["Tuổi Trẻ Online", "tuoitre.vn"]) == "Quốc hội thông qua luật"
    assert strip_site_suffix("Ông Hồ Đức Phớc: Sẽ nâng mức giảm trừ", ["VnExpress"]) == \
        "Ông Hồ Đức Phớc: Sẽ nâng mức giảm trừ"  # a colon inside a headline stays
    assert url_date("https://zingnews.vn/2022/05/14/tin.html") == "2022-05-14"
    assert url_date("https://vnexpress.net/ong-ho-duc-phoc-4672302.html") is None


def test_text_pages_rejoin_wrapped_lines_and_keep_bulleted_paragraphs(tmp_path: Path) -> None:
    long = ("* " + "Chiều 3/4, đội tuyển tập luyện trên sân Mỹ Đình, trong đó tiền đạo Nguyễn Tiến Linh đã trở lại "
            "sau chấn thương. " * 8).strip()
    text = ("Tuyển Việt Nam tập luyện\n\nTiền đạo Tiến Linh đã trở lại tập luyện nhưng anh\nvẫn phải tập riêng "
            "với bác sĩ để kịp bình phục trước trận gặp Thái Lan.\n\n" + long + "\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    [article] = clean_articles(read_inputs([tmp_path / "a.txt"]))
    assert article.ok and article.title == "Tuyển Việt Nam tập luyện"
    assert "nhưng anh vẫn phải tập riêng với bác sĩ" in article.text  # one line, one sentence
    assert long[2:] in article.text  # the paragraph is kept, without its bullet mark


def test_lede_dates_take_the_year_of_the_articles_own_dates() -> None:
    articles = {a.id: a for a in clean_articles(read_inputs([ROOT / "seeds"]))}
    assert (articles["003_a8bbc42e34f2cb4c"].date, articles["003_a8bbc42e34f2cb4c"].date_source) == \
        ("2020-07-01", "lede")  # "Ngày 1-7, ... năm 2020"
    assert (articles["004_eec55141b9a6cb32"].date, articles["004_eec55141b9a6cb32"].date_source) == \
        ("2019-11-12", "lede")  # "Chiều 12/11", the article's dates are of 2019
    assert articles["002_96935cde4c223bd0"].date_source == "byline"


def test_a_page_without_a_headline_gets_a_derived_display_title() -> None:
    [article] = clean_articles(read_inputs([ROOT / "seeds" / "000_4edd2bfb966015df.txt"]))
    assert article.title is None  # the record says there was none
    shown = article.lead.split()[:5] if article.lead else []
    for lang in ("en", "vi"):
        html, markdown = render_html([article], lang), render_markdown([article], lang)
        assert " ".join(shown) in html and 'class="derived"' in html
        assert f"## {' '.join(shown)}" in markdown and article.id not in markdown.split("\n## ")[1].split("\n")[0]

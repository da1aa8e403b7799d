"""Real pages, real metadata: headline, date (and where it was read), publisher, lead and body of saved pages and
plain-text articles. The HTML below reproduces the structure of real Vietnamese news pages (Dân trí, VnExpress,
Tuổi Trẻ), trimmed."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT, read_jsonl, vnsumm

from vnsumm import Article, clean_articles, read_inputs, render_html, render_markdown
from vnsumm.lang.dates import DateSource, lede_date, visible_date
from vnsumm.readers.page import strip_site_suffix, url_date

BODY = "".join(f"<p>Đoạn {i}: Cục Hàng không Việt Nam vừa quyết định tăng thêm 32 chuyến bay mỗi ngày tại sân bay "
               f"Tân Sơn Nhất trong dịp Tết, tương đương khoảng 6.000 ghế.</p>" for i in range(1, 6))


def page(head: str, article: str, footer: str = "© Báo điện tử Dân Trí") -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>'
            '<nav><a href="/">Trang chủ</a> <a href="/xa-hoi.htm">Xã hội</a></nav>'
            f'<main><article>{article}</article></main><footer>{footer}</footer></body></html>')


def read(tmp_path: Path, html: str, name: str = "page") -> Article:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    [article] = clean_articles(read_inputs([path]))
    return article


HEADLINE = "Công an TP.HCM bắt nghi phạm cướp ngân hàng ở quận Tân Bình sau 12 giờ truy xét"
COMMENTS = ('<div class="box-comment"><p class="comment-date">Thứ bảy, 05/01/2013, 10:00</p>'
            "<p>Bạn đọc Minh Anh: Cảm ơn các chiến sĩ công an đã vất vả truy bắt kẻ cướp nhanh như vậy.</p></div>")
RELATED = ('<div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/a.htm">Triệt phá băng nhóm trộm xe '
           'máy liên tỉnh ở miền Tây</a> <span>15/11/2012</span></li></ul></div>')


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
    assert article.url == "https://dantri.com.vn/xa-hoi/cuc-hang-khong-20221224152117143.htm"  # where to read it


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


def test_a_date_only_the_byline_carries_not_a_comments_or_a_related_items(tmp_path: Path) -> None:
    """An empty published-time tag, no date in the URL: the visible byline under the headline dates the page."""
    html = page('<meta property="article:published_time" content=""><link rel="canonical" '
                'href="https://nld.com.vn/thoi-su/cong-an-bat-nghi-pham.htm">',
                f'<h1>{HEADLINE}</h1><div class="meta">Thứ năm, 20/12/2012, 08:00 GMT+7</div>'
                + BODY + RELATED + COMMENTS)
    article = read(tmp_path, html)
    assert (article.date, article.date_source) == ("2012-12-20", DateSource.BYLINE.value)
    assert "Bạn đọc Minh Anh" not in article.text and "Triệt phá băng nhóm" not in article.text
    unsigned = read(tmp_path, html.replace("Thứ năm, 20/12/2012, 08:00 GMT+7", "Nguyễn Văn An"), "unsigned")
    assert unsigned.date is None  # never the comment's date, nor the related item's


def test_two_digit_years_and_a_date_line_above_the_headline(tmp_path: Path) -> None:
    html = page("", f'<div class="time">24/12/12 11:05 tối</div><h1>{HEADLINE}</h1>' + BODY)
    assert (read(tmp_path, html).date, read(tmp_path, html).date_source) == ("2012-12-24", "byline")
    assert visible_date("Cập nhật 24/12/12 11:05 tối") == "2012-12-24"
    assert visible_date("24/12/99 08:00") == "1999-12-24"  # not a year to come
    assert visible_date("Thứ hai, 18/2/2019, 17:34 (GMT+7)", latest="2019-01-01") is None  # after the page was saved


def test_htmldate_heuristics_answer_last_and_never_after_the_save(tmp_path: Path) -> None:
    """No metadata, no headline element: htmldate's text heuristics date the page (`text`); a browser's saved HTTP
    `Date` header caps every step."""
    html = page("", f'<div class="title-news">{HEADLINE}</div><span class="post-date">Đăng ngày 05/03/2019</span>'
                + BODY)
    article = read(tmp_path, html)
    assert (article.date, article.date_source) == ("2019-03-05", DateSource.TEXT.value)
    saved = html.replace("</html>", "</html>\n<!--\nHTTP/1.1 200 OK\nDate: Fri, 01 Mar 2019 10:00:00 GMT\n-->")
    assert read(tmp_path, saved, "saved").date is None


def test_a_section_label_and_a_cut_og_title_are_not_the_headline(tmp_path: Path) -> None:
    """The only `<h1>` is a section label linking to its section; og:title is cut; `<title>` holds it whole."""
    html = page(f'<title>{HEADLINE} - Báo Người Lao Động</title><meta property="og:title" content="{HEADLINE[:60]}...">'
                '<meta property="og:site_name" content="Người Lao Động">',
                '<h1 class="cat"><a href="/thoi-su/chuyen-vu-an.htm">XH - CHUYỆN VỤ ÁN</a></h1>' + BODY)
    assert read(tmp_path, html).title == HEADLINE
    whole = page(f'<meta property="og:title" content="{HEADLINE[:60]}">', f"<h1>{HEADLINE}</h1>" + BODY)
    assert read(tmp_path, whole, "cut").title == HEADLINE  # the h1 that og:title was cut from


def test_a_slogan_that_names_the_site_and_titles_a_site_repeats(tmp_path: Path) -> None:
    slogan = "Trang thông tin dành cho giới trẻ - VnExpress iOne"
    html = page(f'<title>{slogan}</title><meta property="og:site_name" content="VnExpress iOne">',
                f"<h1>{HEADLINE}</h1>" + BODY)
    assert read(tmp_path, html).title == HEADLINE
    # Two different articles of one site whose only title is the same slogan: it heads neither.
    for i in range(2):
        body = BODY.replace("Đoạn", f"Bài {i} đoạn")
        (tmp_path / f"ione{i}.html").write_text(page("<title>Trang thông tin dành cho giới trẻ</title>", body),
                                                encoding="utf-8")
    articles = clean_articles(read_inputs([tmp_path / "ione0.html", tmp_path / "ione1.html"]))
    assert [a.title for a in articles] == [None, None]


def test_publishers_that_are_not_names_give_way(tmp_path: Path) -> None:
    """A copyright line, a URL, a company or the headline is no publisher's name: the copyright notice of the page
    names it, else its domain does."""
    cases = {"2003-2011, Báo Thanh Niên": "Báo Thanh Niên", "https://nld.com.vn": "Báo Người Lao Động",
             "Công ty cổ phần Truyền Thông Việt Nam - Vccorp": "Báo Người Lao Động", HEADLINE: "Báo Người Lao Động",
             "": "Báo Người Lao Động"}
    for i, (site_name, expected) in enumerate(cases.items()):
        html = page(f'<meta property="og:site_name" content="{site_name}"><link rel="canonical" '
                    f'href="https://nld.com.vn/thoi-su/bai-{i}.htm">', f"<h1>{HEADLINE}</h1>" + BODY,
                    footer="© 2003-2024 Báo Người Lao Động. All rights reserved.")
        assert read(tmp_path, html, f"p{i}").publisher == expected, site_name
    bare = page('<meta property="og:site_name" content="https://nld.com.vn">', f"<h1>{HEADLINE}</h1>"
                '<a href="https://nld.com.vn/thoi-su.htm">Thời sự</a><a href="https://nld.com.vn/">NLĐ</a>' + BODY,
                footer="")
    assert read(tmp_path, bare, "bare").publisher == "nld.com.vn"  # no name anywhere, no address: its links'


def test_a_lead_styled_apart_without_a_lead_class(tmp_path: Path) -> None:
    """No description meta, no sapo class: the bold first paragraph under the headline is the lead."""
    lead = ("Sau 12 giờ truy xét, Công an TP.HCM đã bắt giữ nghi phạm dùng súng giả cướp ngân hàng tại quận Tân "
            "Bình, thu hồi toàn bộ số tiền bị cướp.")
    html = page("", f'<h1>{HEADLINE}</h1><p><strong>{lead}</strong></p>' + BODY)
    assert read(tmp_path, html).text.startswith(lead)


def test_text_articles_are_never_dropped_whole(tmp_path: Path) -> None:
    """A paragraph opening with a related-news run keeps its sentences; a text that is furniture through and
    through keeps its longest paragraph, with a warning, instead of becoming an error record."""
    sentences = ("Trước đó, lực lượng cứu hộ thông báo đã tìm thấy tín hiệu hộp đen của chiếc máy bay. Dòng chảy "
                 "xiết của sông khiến họ chưa thể tìm ra vị trí chính xác của nó. Việc kiểm tra DNA để nhận diện "
                 "nạn nhân có thể phải kéo dài thêm 10 ngày nữa. Tất cả 49 người trên máy bay đều thiệt mạng.")
    rows = [{"id": "run", "text": "TIN LIÊN QUAN Bộ trưởng gửi thư chia buồn vụ máy bay rơi Lỗi do phi công? "
             + sentences},
            {"id": "credit", "text": "Ảnh: TTXVN " + sentences},
            {"id": "furniture", "text": "Xem thêm: Bảng giá vàng hôm nay\nBình luận\nChia sẻ"}]
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    done = vnsumm("clean", str(source), "--out", str(tmp_path / "clean.jsonl"))
    assert done.returncode == 0, done.stderr
    records = {r["id"]: r for r in read_jsonl(tmp_path / "clean.jsonl")}
    assert all(r["error"] is None for r in records.values())
    kept = records["run"]["text"]
    assert kept.endswith(sentences.split(". ", 1)[1]) and "TIN LIÊN QUAN" not in kept
    assert records["credit"]["text"] == sentences
    assert records["furniture"]["text"] == "Xem thêm: Bảng giá vàng hôm nay"
    assert any("boilerplate" in w for w in records["furniture"]["warnings"])


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


def test_a_lede_takes_no_year_from_a_plan_a_recalled_event_far_off_or_the_future() -> None:
    lede = "Sáng 15/3, Bộ Giao thông Vận tải họp bàn kế hoạch phát triển đường sắt tốc độ cao."
    for later, expected in [("Mục tiêu đến năm 2045 hoàn thành toàn tuyến.", None),  # a plan's year
                            ("Dự án được phê duyệt ngày 2/3/2019.", "2019-03-15"),  # a date 13 days before
                            ("Tuyến đường khởi công ngày 21/7/2003.", None),  # recalled, months away
                            ("Hồ sơ nộp ngày 1/3/2096.", None),  # it would be after today
                            ("Hồ sơ nộp ngày 2 tháng 3 năm 2019.", "2019-03-15")]:  # a full date in words
        assert lede_date([lede, later]) == expected, later
    planned = "Sáng 15/3, Bộ Kế hoạch và Đầu tư trình kế hoạch đầu tư đến năm 2025."
    assert lede_date([planned, "Kế hoạch được phê duyệt ngày 2/3/2019."]) == "2019-03-15"  # the full date wins
    assert lede_date([planned]) == "2025-03-15"  # only the sentence's own year left (before today: kept)


def test_a_page_without_a_headline_gets_a_derived_display_title() -> None:
    [article] = clean_articles(read_inputs([ROOT / "seeds" / "000_4edd2bfb966015df.txt"]))
    assert article.title is None  # the record says there was none
    shown = article.lead.split()[:5] if article.lead else []
    for lang in ("en", "vi"):
        html, markdown = render_html([article], lang), render_markdown([article], lang)
        assert " ".join(shown) in html and 'class="derived"' in html
        assert f"## {' '.join(shown)}" in markdown and article.id not in markdown.split("\n## ")[1].split("\n")[0]


def mobile_page(title: str, body: str) -> str:
    """An old mobile page (2014-era CMS): no metadata at all, the logo in an `<h1>` of its own before the article's,
    links to other hosts (ads, sister sites) outnumbering the site's own."""
    ads = "".join(f'<a href="https://shop.example.vn/p{i}">Ưu đãi {i}</a>' for i in range(5))
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f'<div class="header"><h1><a href="/" class="logo"><img src="/logo.png"></a></h1>{ads}</div>'
            f'<div class="detail">{body}</div></body></html>')


def test_a_logo_or_a_label_in_an_h1_is_not_the_headline(tmp_path: Path) -> None:
    """The first `<h1>` holds the site's logo (or one word): the headline and its date line are the next one's."""
    body = f'<div class="time">16/01/2014 | 16:05</div><h1>{HEADLINE}</h1>' + BODY
    article = read(tmp_path, mobile_page(f"{HEADLINE} | Kenh14 Mobile", body))
    assert article.title == HEADLINE
    assert (article.date, article.date_source) == ("2014-01-16", "byline")
    label = mobile_page(HEADLINE, body).replace('<img src="/logo.png">', "Mobile")
    assert read(tmp_path, label, "label").title == HEADLINE


def test_the_headline_listed_among_the_sites_articles_stays_the_headline(tmp_path: Path) -> None:
    """A page saved without its address lists itself under `Tin cùng chuyên mục`: the `<h1>` is also a link text
    there, yet no section label; a short link text still is one."""
    listed = f'<div class="same-category"><a href="/bai-1.chn">{HEADLINE}</a><a href="/bai-2.chn">Tin khác</a></div>'
    article = read(tmp_path, mobile_page(f"{HEADLINE} | Afamily Mobile", f"<h1>{HEADLINE}</h1>{BODY}{listed}"))
    assert article.title == HEADLINE
    label = mobile_page(HEADLINE, f'<h1><a href="/xa-hoi.chn">Xã hội</a></h1>{BODY}'
                                  '<a href="/xa-hoi.chn">Xã hội</a>')
    assert read(tmp_path, label, "label").title == HEADLINE  # the short link text loses to <title>


def test_the_name_title_sets_beside_the_headline_names_the_publisher(tmp_path: Path) -> None:
    """No JSON-LD, og:site_name or copyright line, most links to other hosts: `<title>` still names the site."""
    article = read(tmp_path, mobile_page(f"{HEADLINE} | Kenh14 Mobile", f"<h1>{HEADLINE}</h1>{BODY}"))
    assert article.publisher == "Kenh14 Mobile"
    before = read(tmp_path, mobile_page(f"Kenh14 - {HEADLINE}", f"<h1>{HEADLINE}</h1>{BODY}"), "before")
    assert before.publisher == "Kenh14"
    slogan = mobile_page(f"{HEADLINE} | Kênh thông tin giải trí và xã hội dành cho giới trẻ Việt Nam",
                         f"<h1>{HEADLINE}</h1>{BODY}")
    assert read(tmp_path, slogan, "slogan").publisher == "example.vn"  # a slogan is no name: the links' domain
    section = page(f'<title>{HEADLINE} - Thời sự</title><link rel="canonical" href="https://nld.com.vn/thoi-su/a.htm">',
                   f"<h1>{HEADLINE}</h1>{BODY}", footer="")
    assert read(tmp_path, section, "section").publisher == "nld.com.vn"  # a section beside it: the address names it
    from vnsumm.readers.page import read_page

    unaddressed = page(f"<title>{HEADLINE} - Xã hội</title>", f"<h1>{HEADLINE}</h1>{BODY}", footer="")
    assert read(tmp_path, unaddressed, "unaddressed").publisher != "Xã hội"  # its navigation links the section
    fetched = read_page(unaddressed, "https://nld.com.vn/xa-hoi/a-123.htm", "a")
    assert fetched.publisher == "nld.com.vn" and fetched.url == "https://nld.com.vn/xa-hoi/a-123.htm"


def test_paragraphs_typed_into_divs_among_p_paragraphs_are_kept(tmp_path: Path) -> None:
    """Older CMSs mix `<p>` and `<div>` paragraphs in one container; extractors kept only the `<p>`s."""
    divs = [f"Đoạn {i} viết trong thẻ div: Bộ trưởng đã quyết định làm một chiếc cầu treo cho học sinh vùng cao "
            "qua suối mùa lũ." for i in range(1, 4)]
    paragraphs = [f"<p>Đoạn {i} viết trong thẻ p: clip quay giáo viên và học sinh chui vào túi nilông qua suối mùa "
                  "lũ khiến nhiều người ngỡ ngàng.</p>" for i in range(4, 8)]
    content = "".join(p + (f'<div align="justify">{d}</div>' if i < len(divs) else "")
                      for i, (p, d) in enumerate(zip(paragraphs, [*divs, ""], strict=False)))
    links = '<div><a href="/a.htm">Chui vào túi nilông qua suối: sẽ có cầu treo.</a></div>'
    article = read(tmp_path, page("", f'<h1>{HEADLINE}</h1><div id="divfirst">{content}{links}</div>'))
    assert all(d in article.text for d in divs), article.text
    assert "sẽ có cầu treo." not in article.text  # a div of links stays out


def test_the_headline_inside_the_articles_container_is_not_a_body_line(tmp_path: Path) -> None:
    """`<article><h1>…</h1><p>…` (trafilatura keeps such an h1 as the text's first line): said once, as the title."""
    lead = "Sau 12 giờ truy xét, Công an TP.HCM đã bắt giữ nghi phạm dùng súng giả cướp ngân hàng."
    headline = "Công an TP.HCM bắt nghi phạm cướp ngân hàng"  # short: no caption rule takes it out
    for name, html in (("plain", page("", f"<h1>{headline}</h1>" + BODY)),
                       ("lead", f'<html><head><meta name="description" content="{lead}"></head><body>'
                                f'<div class="short_intro">{lead}</div>'  # the lead outside the article's container
                                f"<article><h1>{headline}</h1>{BODY}</article></body></html>")):
        article = read(tmp_path, html, name)
        assert article.title == headline
        assert headline not in article.text.split("\n"), name
        assert article.text.split("\n")[0] == (lead if name == "lead" else BODY[3:BODY.index("</p>")])

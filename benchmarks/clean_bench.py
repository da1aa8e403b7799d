"""How well `vnsumm clean` separates article text from page furniture on dressed-up news pages.

    python benchmarks/clean_bench.py ../shared/vietnews/dev.jsonl [--seed 0]

Each article's title and body lines are dressed with boilerplate the way news sites print it: navigation,
breadcrumbs, date and view counters, image ids and captions, photo credits, video boxes, source tags, bylines,
share bars, tags, related-article lists, comment forms, copyright footers. About half the patterns are not in the
seed pages (see NOVEL). The pages go through vnsumm's reader and cleaner, and the script reports the share of body
lines kept, of boilerplate lines dropped, and of titles recovered exactly.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from vnsumm import clean_articles, normalize, read_inputs

SEEN = {  # patterns as the seed pages show them
    "nav": ["Tiếng việt | English"],
    "counter": ["{d}/{m}/{y} | {n}"],
    "date": ["Thứ {wd} Ngày {d}/{m}/{y}"],
    "image": ["img_{h}640x4805d-{n}"],
    "caption": ["Ảnh: {name} phát biểu tại hội nghị", "Ảnh : Toàn cảnh buổi làm việc"],
    "video": ["Video không hợp lệ"],
    "byline": ["A.H", "Tin, ảnh: {name}"],
    "related": ["Các bài viết khác", "Tin cùng chuyên mục", "Các tin khác"],
    "comment": ["Trả lời", "Email của bạn sẽ không được hiển thị công khai. Các trường bắt buộc được đánh dấu *"],
}
NOVEL = {  # patterns the cleaner was not shown
    "nav": ["Trang chủ » Thời sự » Xã hội", "Thời sự | Kinh tế | Văn hóa | Thể thao | Giải trí"],
    "counter": ["Cập nhật: {hh}:{mm} {d}/{m}/{y}", "{n} lượt xem"],
    "date": ["Chủ nhật, {d}/{m}/{y} {hh}:{mm} (GMT+7)", "{d}-{m}-{y} {hh}:{mm}"],
    "image": ["IMG_{n}.jpg", "photo-{n}-{h}"],
    "caption": ["Ảnh minh họa: {name}", "Nguồn ảnh: {name}"],
    "video": ["Xem video: Toàn cảnh sự kiện"],
    "byline": ["Theo VnExpress", "Nhóm PV", "PV", "{name} (TTXVN)"],
    "share": ["Chia sẻ", "Facebook | Twitter | Zalo", "In bài viết", "Sao chép liên kết"],
    "tags": ["Tags: thời sự, xã hội, {name}", "Từ khóa: kinh tế, đầu tư"],
    "related": ["Tin liên quan", "Bài viết liên quan:", "Có thể bạn quan tâm", "Đọc nhiều nhất"],
    "comment": ["Bình luận", "Gửi bình luận", "Họ và tên: *", "Bạn còn 500/500 ký tự"],
    "copyright": ["© 2024 Báo Tin Tức. Ghi rõ nguồn khi phát hành lại thông tin từ website này.",
                  "Giấy phép số 123/GP-BTTTT do Bộ Thông tin và Truyền thông cấp", "Tổng biên tập: {name}"],
    "ads": ["Quảng cáo", "Theo dõi chúng tôi trên Zalo"],
}
NAMES = ["Minh Anh", "Thanh Hà", "Quốc Việt", "Lan Hương", "Đức Trung"]


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        d=rng.randint(1, 28), m=rng.randint(1, 12), y=rng.randint(2015, 2024), n=rng.randint(100, 99999),
        h=f"{rng.randint(0, 16**6):06x}", hh=f"{rng.randint(0, 23):02d}", mm=f"{rng.randint(0, 59):02d}",
        wd=rng.randint(2, 7), name=rng.choice(NAMES),
    )


def pick(kind: str, rng: random.Random) -> str:
    pool = SEEN.get(kind, []) + NOVEL.get(kind, [])
    return fill(rng.choice(pool), rng)


def dress(title: str, body: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    """The page's lines, and which of them are boilerplate."""
    head = [pick("nav", rng) for _ in range(rng.randint(0, 2))]
    head += [title] + [pick(rng.choice(["date", "counter"]), rng) for _ in range(rng.randint(1, 2))]
    boiler = [line for line in head if line != title]
    page = list(head)
    for i, line in enumerate(body):
        page.append(line)
        if i < len(body) - 1 and rng.random() < 0.25:  # media between paragraphs
            media = [pick("image", rng), pick("caption", rng)] if rng.random() < 0.7 else [pick("video", rng)]
            page += media
            boiler += media
    tail = [pick("byline", rng)] + [pick(k, rng) for k in rng.sample(["share", "tags", "ads", "copyright"], 2)]
    related = [pick("related", rng)] + [f"• {rng.choice(body)[:60].rstrip()} ({rng.randint(1, 9)} ngày trước)"
                                        for _ in range(rng.randint(2, 4))]
    tail += related + [pick("comment", rng) for _ in range(rng.randint(1, 3))]
    page += tail
    boiler += tail
    return page, boiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = [json.loads(line) for line in Path(args.dataset).read_text(encoding="utf-8").splitlines()]
    body_total = body_kept = boiler_total = boiler_dropped = titles = lost = kept_whole = 0
    with tempfile.TemporaryDirectory() as folder:
        truth = {}
        for row in rows:
            body = [" ".join(x.split()) for x in row["text"].splitlines() if x.strip()]
            page, boiler = dress(row["title"].strip(), body, rng)
            Path(folder, f"{row['id']}.txt").write_text("\n\n".join(page), encoding="utf-8")
            truth[row["id"]] = (normalize(row["title"].strip()), [normalize(b) for b in body],
                                [normalize(b) for b in boiler])
        for article in clean_articles(read_inputs([folder])):
            title, body, boiler = truth[article.id]
            kept = set(article.text.splitlines()) if article.ok else set()
            text = article.text if article.ok else ""
            body_total += len(body)
            body_kept += sum(line in kept or (len(line) > 30 and line in text) for line in body)
            boiler_total += len(boiler)
            boiler_dropped += sum(line not in kept for line in boiler)
            titles += article.title == title
            lost += not article.ok
            kept_whole += any("boilerplate" in w for w in article.warnings)
    print(f"{len(rows)} pages: body lines kept {100 * body_kept / body_total:.1f}% ({body_kept}/{body_total}), "
          f"boilerplate dropped {100 * boiler_dropped / boiler_total:.1f}% ({boiler_dropped}/{boiler_total}), "
          f"titles exact {100 * titles / len(rows):.1f}% ({titles}/{len(rows)}), articles lost {lost}, "
          f"kept whole by the never-drop rule (a warning) {kept_whole}")


if __name__ == "__main__":
    main()

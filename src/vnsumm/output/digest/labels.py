"""The digest's words in each language it is written in (headings, labels, notes); English for any other."""

from __future__ import annotations

LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}

LABELS = {
    "en": {
        "heading": "vnsumm digest",
        "counts": "{articles} articles in {stories} stories",
        "failed": "{n} failed",
        "languages": "summaries in English beside Tiếng Việt",
        "order": "newest first",
        "flagged": "Stories with numbers, dates or names not found in their source: {n}, marked",
        "story_summary": "Story summary: sentences from {cited} of its {n} reports, each naming its outlets",
        "like_this": "like this",
        "also": "Also reported by",
        "more": "and {n} more",
        "date_unknown": "date unknown",
        "latest": "latest report {date}",
        "derived": "title taken from the article's opening",
        "failed_heading": "Inputs that failed",
        "contents": "Contents",
        "days": "Days",
        "undated": "Undated",
        "index": "All days",
        "rest": "{n} more stories are in digest.html and summaries.jsonl.",
        "unsupported": "not found in the source",
        "page": "page {n}",
        "stories": "{n} stories",
    },
    "vi": {
        "heading": "Bản tin vnsumm",
        "counts": "{articles} bài trong {stories} sự kiện",
        "failed": "{n} bài lỗi",
        "languages": "tóm tắt tiếng Việt",
        "order": "mới nhất trước",
        "flagged": "Sự kiện có số liệu, ngày tháng hoặc tên không có trong bài gốc: {n}, đánh dấu",
        "story_summary": "Tóm tắt sự kiện: các câu lấy từ {cited} trong {n} bài, mỗi câu ghi nguồn",
        "like_this": "như thế này",
        "also": "Cũng đưa tin",
        "more": "và {n} bài khác",
        "date_unknown": "không rõ ngày",
        "latest": "tin mới nhất {date}",
        "derived": "tiêu đề lấy từ đoạn mở đầu bài",
        "failed_heading": "Đầu vào bị lỗi",
        "contents": "Mục lục",
        "days": "Theo ngày",
        "undated": "Không rõ ngày",
        "index": "Mọi ngày",
        "rest": "Còn {n} sự kiện nữa trong digest.html và summaries.jsonl.",
        "unsupported": "không có trong bài gốc",
        "page": "trang {n}",
        "stories": "{n} sự kiện",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])

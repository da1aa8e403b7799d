"""Story grouping: articles reporting one event share a `story` id; different events never do."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from helpers import read_jsonl, vnsumm

from vnsumm import Article
from vnsumm.lang.dates import event_day
from vnsumm.stories.grouping import pairwise_f1, story_ids

# Three events, told by several outlets in their own words (names, figures and wording of each event recur;
# the two fires share a topic and a city, not an event).
EVENTS = {
    "fire-q7": [
        ("Cháy lớn tại kho hàng ở quận 7, TP HCM", "Rạng sáng 3/4, đám cháy bùng phát tại kho hàng của Công ty "
         "Tân Thuận trên đường Huỳnh Tấn Phát, quận 7. Hơn 50 cảnh sát cùng 12 xe chữa cháy được huy động."),
        ("Kho hàng Công ty Tân Thuận cháy dữ dội", "Khoảng 2 giờ sáng 3/4, kho hàng Công ty Tân Thuận ở quận 7 "
         "bốc cháy. Lực lượng chữa cháy điều 12 xe và hơn 50 chiến sĩ đến dập lửa trên đường Huỳnh Tấn Phát."),
        ("Quận 7: cháy kho hàng rộng 2.000 m2", "Vụ cháy kho hàng rộng 2.000 m2 của Công ty Tân Thuận, đường "
         "Huỳnh Tấn Phát, quận 7 xảy ra rạng sáng 3/4; 12 xe chữa cháy có mặt, không có thương vong."),
    ],
    "fire-binh-thanh": [
        ("Cháy nhà dân ở quận Bình Thạnh, TP HCM", "Chiều 5/4, căn nhà ba tầng trên đường Xô Viết Nghệ Tĩnh, quận "
         "Bình Thạnh bốc cháy, bà Lê Thị Hồng cùng hai cháu nhỏ được hàng xóm đưa ra ngoài an toàn."),
        ("Hàng xóm cứu ba người khỏi đám cháy ở Bình Thạnh", "Ngọn lửa bùng lên từ tầng trệt căn nhà trên đường Xô "
         "Viết Nghệ Tĩnh chiều 5/4; hàng xóm phá cửa đưa bà Lê Thị Hồng và hai cháu ra ngoài."),
    ],
    "football": [
        ("Việt Nam thắng Thái Lan 2-1 ở Mỹ Đình", "Tối 6/4, đội tuyển Việt Nam thắng Thái Lan 2-1 trên sân Mỹ Đình "
         "nhờ cú đúp của Nguyễn Tiến Linh trong trận giao hữu."),
        ("Tiến Linh lập cú đúp, tuyển Việt Nam hạ Thái Lan", "Nguyễn Tiến Linh ghi hai bàn giúp đội tuyển Việt Nam "
         "thắng Thái Lan 2-1 trên sân Mỹ Đình tối 6/4."),
    ],
}


def event_articles() -> tuple[list[Article], list[str]]:
    articles, gold = [], []
    days = {"fire-q7": "2024-04-03", "fire-binh-thanh": "2024-04-05", "football": "2024-04-06"}
    for event, reports in EVENTS.items():
        for n, (title, text) in enumerate(reports):
            articles.append(Article(id=f"{event}-{n}", source=f"{event}.txt", title=title, text=text,
                                    date=days[event]))
            gold.append(event)
    return articles, gold


def test_reports_of_one_event_share_a_story_and_topics_do_not_merge_events() -> None:
    articles, gold = event_articles()
    assert pairwise_f1(story_ids(articles), gold)["f1"] == 1.0


def test_story_ids_do_not_depend_on_input_order() -> None:
    articles, _ = event_articles()
    expected = dict(zip((a.id for a in articles), story_ids(articles), strict=True))
    for seed in range(3):
        shuffled = list(articles)
        random.Random(seed).shuffle(shuffled)
        assert dict(zip((a.id for a in shuffled), story_ids(shuffled), strict=True)) == expected
    assert set(expected.values()) == {"fire-q7-0", "fire-binh-thanh-0", "football-0"}  # each story's first article


def test_story_ids_are_the_same_in_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidate pairs found a block of rows per thread (blocks of two here, so that they interleave) give the
    stories one thread gives."""
    articles, gold = event_articles()
    many = [Article(id=f"{a.id}-{copy}", source=a.source, title=a.title, text=f"{a.text} Bản {copy}.", date=a.date)
            for copy in range(3) for a in articles]
    alone = story_ids(many)
    monkeypatch.setattr("vnsumm.stories.grouping._BLOCK", 2)
    assert story_ids(many, workers=2) == story_ids(many) == alone
    assert pairwise_f1(alone, gold * 3)["f1"] == 1.0


def test_events_months_apart_never_merge_even_through_undated_articles() -> None:
    articles, _ = event_articles()
    later = [Article(id=f"late-{a.id}", source="later.txt", title=a.title, text=a.text, date="2024-09-03")
             for a in articles if a.id.startswith("fire-q7")]
    undated = Article(id="undated", source="x.txt", title=articles[0].title, text=articles[0].text)
    stories = dict(zip(["undated", *(a.id for a in later + articles)], story_ids([undated, *later, *articles]),
                       strict=True))
    assert {stories[a.id] for a in later}.isdisjoint({stories[a.id] for a in articles})


# Two crashes of one kind on one road, months apart (as VietNews reports them, undated), and a second outlet's report
# of the first the next day: one topic, two events.
CRASHES = [
    ("crash-aug-0", "Ôtô nổ lốp trên cao tốc Trung Lương, 7 người bị nạn", "Hiện trường vụ tai nạn trên cao tốc "
     "Trung Lương. Chiều 29/8, ôtô khách 16 chỗ chạy trên cao tốc Trung Lương, hướng từ TP HCM về miền Tây. Khi qua "
     "huyện Bến Lức, Long An, xe bất ngờ bị nổ lốp nên tài xế mất lái, đâm vào dải phân cách."),
    ("crash-aug-1", "Xe khách nổ lốp trên cao tốc Trung Lương, 7 người bị thương", "Sáng 30/8, công an huyện Bến "
     "Lức cho biết ôtô khách 16 chỗ chạy trên cao tốc Trung Lương bị nổ lốp, tài xế mất lái, xe đâm vào dải phân "
     "cách, 7 người bị thương."),
    ("crash-may", "4 ôtô tông liên hoàn trên cao tốc TP HCM - Trung Lương", "Chiều 4/5, ôtô khách 50 chỗ chạy trên "
     "cao tốc Trung Lương, hướng từ TP HCM về miền Tây. Khi đến huyện Châu Thành (Tiền Giang), ôtô bất ngờ va chạm "
     "với xe tải chạy cùng chiều, đâm vào dải phân cách."),
]


def test_undated_reports_of_one_kind_whose_ledes_say_days_apart_are_different_stories() -> None:
    articles = [Article(id=i, source=f"{i}.txt", title=title, text=text) for i, title, text in CRASHES]
    assert story_ids(articles) == ["crash-aug-0", "crash-aug-0", "crash-may"]
    # What the stated days decide: alike enough to be one story without them.
    assert set(story_ids(articles, event_days=float("inf"))) == {"crash-aug-0"}
    # Dated fewer than MAX_DAYS_APART apart, the days the ledes state still part them.
    dated = [Article(id=a.id, source=a.source, title=a.title, text=a.text.replace("4/5", "9/9"), date=date)
             for a, date in zip(articles, ["2015-08-29", "2015-08-30", "2015-09-10"], strict=True)]
    assert story_ids(dated) == ["crash-aug-0", "crash-aug-0", "crash-may"]


def test_stated_event_days_wrap_around_the_new_year_for_stories() -> None:
    """No year is said: 31/12 and 2/1 are two days apart, one event's reports."""
    days = ["Tối 31/12", "Sáng 2/1"]
    articles = [Article(id=i, source=f"{i}.txt", title=title,
                        text=text.replace("Chiều 29/8", day).replace("Sáng 30/8", day))
                for (i, title, text), day in zip(CRASHES[:2], days, strict=True)]
    assert story_ids(articles) == ["crash-aug-0", "crash-aug-0"]


@pytest.mark.parametrize(("opening", "said"), [
    ("Chiều 29/8, ôtô khách 16 chỗ chạy trên cao tốc Trung Lương", (29, 8)),
    ("Sáng 13-3, Phòng Cảnh sát hình sự Công an tỉnh Tiền Giang vừa triệt phá", (13, 3)),
    ("Khu trục hạm USS Mason của Mỹ. Các quan chức quân sự Mỹ ngày 16/5 cho biết", (16, 5)),  # after a caption
    ("Chủ tịch nước chiều 29/6 có cuộc gặp hẹp và hội đàm với Tổng thống Nga", (29, 6)),
    ("Hôm qua ngày 31/2 là ngày không có; tối 1-3, hội nghị bế mạc", (1, 3)),  # no day is 31/2: the next
    ("U23 Việt Nam thắng U23 Myanmar 3-1 trong trận đấu", None),  # a score, said with no time of day
    ("Sáng 28/5/2020, công an bắt nghi phạm vụ cướp ngày 20/5", None),  # a full date first: the article's own
    ("Bệnh nhân uống thuốc ngày 2-3 lần, sáng 4/6 đã xuất viện", (4, 6)),  # a range of counts is no day
    ("Theo báo cáo gửi Quốc hội, " + "ngân sách thiếu hụt lớn. " * 20 + "Chiều 23/10, ...", None),  # too far in
])
def test_event_day_a_story_opening_says(opening: str, said: tuple[int, int] | None) -> None:
    assert event_day(opening) == said


def test_seed_conferences_three_months_apart_stay_separate_stories(tmp_path: Path) -> None:
    done = vnsumm("run", "seeds/", "--lang", "vi", "--summarizer", "extractive", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    records = {r["id"]: r for r in read_jsonl(tmp_path / "summaries.jsonl")}
    second, fourth = records["002_96935cde4c223bd0"], records["004_eec55141b9a6cb32"]
    assert second["story"] != fourth["story"]  # one topic (Chỉ thị 35), two conferences
    assert (fourth["date"], fourth["date_source"]) == ("2019-11-12", "lede")  # "Chiều 12/11", year of its dates
    off = vnsumm("run", "seeds/", "--lang", "vi", "--summarizer", "extractive", "--out", str(tmp_path / "off"),
                 "--no-group")
    ungrouped = read_jsonl(tmp_path / "off" / "summaries.jsonl")
    assert off.returncode == 0 and all(r["story"] is None for r in ungrouped)
    # What a later run that groups reuses: the same first sentences as a grouping run keeps.
    assert [r["first_sentences"] for r in ungrouped] == [records[r["id"]]["first_sentences"] for r in ungrouped]
    assert all(r["first_sentences"] for r in ungrouped)


def test_group_command_on_any_jsonl(tmp_path: Path) -> None:
    articles, gold = event_articles()
    feed = tmp_path / "articles.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "date": a.date,
                                        "extra": 1}, ensure_ascii=False) + "\n" for a in articles) + "{torn\n",
                    encoding="utf-8")
    done = vnsumm("group", str(feed), "--out", str(tmp_path / "grouped.jsonl"))
    assert done.returncode == 1, done.stderr  # the torn line failed, the others are grouped
    assert f"{len(articles)} articles in 3 stories; 1 lines could not be read" in done.stderr
    *grouped, torn = read_jsonl(tmp_path / "grouped.jsonl")
    assert "malformed JSON line" in torn["error"] and "story" not in torn
    assert all(r["extra"] == 1 for r in grouped)  # records pass through whole, with `story` added
    assert pairwise_f1([r["story"] for r in grouped], gold)["f1"] == 1.0
    one = vnsumm("group", str(feed), "--out", str(tmp_path / "one.jsonl"), "--workers", "1")
    assert one.returncode == 1 and read_jsonl(tmp_path / "one.jsonl")[:-1] == grouped


def test_in_place_tf_idf_is_scikit_learns() -> None:
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

    from vnsumm.stories.grouping import _tf_idf

    counts = sp.random(40, 200, density=0.05, format="csr", random_state=1, dtype=np.float32)
    counts.data = np.ceil(counts.data * 5)
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts.copy()).toarray()
    assert np.allclose(_tf_idf(counts.copy()).toarray(), expected, atol=1e-6)


@pytest.mark.parametrize("method", ["complete", "average"])
def test_link_rules_are_scipys_linkage_cut_at_the_threshold(method: str) -> None:
    """Complete link, and the floored average link when every pair passes the floor, are scipy's own linkages."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    from vnsumm.stories.links import complete_link, floored_average_link

    rng = np.random.default_rng(7)
    for size in (5, 12, 30):
        points = rng.normal(size=(size, 4))
        points /= np.linalg.norm(points, axis=1, keepdims=True)
        sim = np.clip(points @ points.T, 0, 1)
        rows, cols = np.triu_indices(size, 1)
        pairs = (rows, cols, sim[rows, cols].astype(np.float32))
        for threshold in (0.3, 0.6, 0.9):
            ours = complete_link(size, pairs, threshold, np.arange(size)) if method == "complete" else \
                floored_average_link(size, pairs, threshold, 0.0, np.arange(size))
            labels = fcluster(linkage(squareform(1 - sim, checks=False), method), 1 - threshold, "distance")
            theirs = sorted(sorted(np.flatnonzero(labels == label).tolist()) for label in set(labels))
            assert ours == theirs


def test_complete_link_never_chains_through_a_missing_pair() -> None:
    import numpy as np

    from vnsumm.stories.links import complete_link as _complete_link

    # 0-1 and 1-2 are alike; 0 and 2 are no candidates of each other: 1 joins one of them, never both.
    pairs = (np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.8], dtype=np.float32))
    assert _complete_link(3, pairs, 0.1, np.arange(3)) == [[0, 1], [2]]
    pairs = (np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([0.9, 0.8, 0.3], dtype=np.float32))
    assert _complete_link(3, pairs, 0.2, np.arange(3)) == [[0, 1, 2]]
    assert _complete_link(3, pairs, 0.4, np.arange(3)) == [[0, 1], [2]]


def test_best_pairs_per_row_match_a_three_key_sort_ties_included() -> None:
    import numpy as np

    from vnsumm.stories.grouping import _best_per_row

    rng = np.random.default_rng(3)
    rows = np.sort(rng.integers(100, 140, 5_000))
    cols = rng.integers(0, 500, 5_000)
    scores = (rng.integers(0, 20, 5_000) / 7).astype(np.float32)  # many ties
    rank = rng.permutation(500)
    order = np.lexsort((rank[cols], -scores, rows))
    r, c = rows[order], cols[order]
    best = np.arange(len(r)) - np.searchsorted(r, r, side="left") < 4
    got = _best_per_row(rows, cols, scores, 4, rank)
    assert np.array_equal(got[0], r[best]) and np.array_equal(got[1], c[best])


def test_the_floor_keeps_a_weak_pair_from_joining_groups_that_are_alike_on_average() -> None:
    import numpy as np

    from vnsumm.stories.links import floored_average_link

    # 0-1 and 1-2 are very alike, 0-2 barely: their average clears 0.5, their least pair does not clear 0.2.
    pairs = (np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([0.95, 0.9, 0.1]))
    assert floored_average_link(3, pairs, 0.5, 0.0, np.arange(3)) == [[0, 1, 2]]
    assert floored_average_link(3, pairs, 0.5, 0.2, np.arange(3)) == [[0, 1], [2]]


def test_hashed_terms_count_headline_twice_fold_tones_and_keep_pairs_in_order() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    from vnsumm.lang.text import fold_tones, syllables
    from vnsumm.stories.terms import term_counts

    n = 2**18
    texts = [("Hoà Bình mưa lớn", "Mưa lớn ở Hòa Bình suốt đêm qua"), (None, "Bình Hoà lớn mưa"), ("", "")]
    counts = term_counts(iter(texts), n).toarray()
    assert counts.shape == (3, n) and not counts[2].any()
    # Single syllables land where scikit-learn's HashingVectorizer puts them, counted twice in the headline.
    unigrams = HashingVectorizer(analyzer=lambda terms: terms, n_features=n, alternate_sign=False, norm=None)
    for row, (title, lead) in enumerate(texts[:2]):
        expected = unigrams.transform([[fold_tones(s) for s in syllables(title or "")] * 2 +
                                       [fold_tones(s) for s in syllables(lead or "")]]).toarray()[0]
        columns = np.flatnonzero(expected)
        assert np.array_equal(counts[row, columns], expected[columns])
    # The rest are pairs: "hoà bình" and "hòa bình" are one term; "bình hoà" is another; none spans the texts.
    pair_total = counts.sum(axis=1) - np.array([4 * 2 + 8, 4, 0])
    assert pair_total.tolist() == [3 * 2 + 7, 3, 0]
    first, second = term_counts(iter([(None, "hoà bình")]), n), term_counts(iter([(None, "bình hòa")]), n)
    assert set(first.indices) != set(second.indices)
    assert term_counts(iter([(None, "hòa bình")]), n).indices.tolist() == first.indices.tolist()


def test_hashed_terms_do_not_depend_on_how_articles_are_chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    import vnsumm.stories.terms as terms

    texts = [(title, lead) for event in EVENTS.values() for title, lead in event] * 3
    whole = terms.term_counts(iter(texts))
    monkeypatch.setattr(terms, "CHUNK", 2)
    chunked = terms.term_counts(iter(texts))
    assert (whole != chunked).nnz == 0 and whole.shape == (len(texts), terms.HASHED_TERMS)


def _naive_floored_average_link(count: int, pairs: dict[tuple[int, int], float], threshold: float, floor: float,
                                rank: list[int]) -> list[list[int]]:
    """The rule as stated, with every group pair looked at in every round: the most alike on average (rounded as
    the fast one rounds; ties to the lowest ranks) merges while it reaches the threshold and all its pairs are
    candidates of at least the floor."""
    groups = [[i] for i in range(count)]
    while True:
        best = None
        for x, a in enumerate(groups):
            for y, b in enumerate(groups[x + 1:], start=x + 1):
                scores = [pairs.get((min(i, j), max(i, j))) for i in a for j in b]
                if any(s is None or s < floor for s in scores):
                    continue
                average = round(sum(scores) / len(scores), 9)  # type: ignore[arg-type]
                low, high = sorted((min(rank[i] for i in a), min(rank[j] for j in b)))
                key = (-average, low, high)
                if average >= threshold and (best is None or key < best[0]):
                    best = (key, x, y)
        if best is None:
            return sorted(sorted(group) for group in groups)
        _, x, y = best
        groups[x] += groups.pop(y)


def test_floored_average_link_matches_the_rule_checked_pair_by_pair_on_sparse_candidates() -> None:
    """Pairs that cannot take part in a merge are set aside before linking: the groups stay the rule's."""
    import numpy as np

    from vnsumm.stories.links import floored_average_link

    rng = np.random.default_rng(11)
    for trial in range(60):
        size = int(rng.integers(4, 16))
        rows, cols = np.triu_indices(size, 1)
        chosen = rng.random(len(rows)) < rng.uniform(0.2, 0.9)
        scores = (rng.integers(0, 12, int(chosen.sum())) / 20).astype(np.float32)  # ties, and pairs under the floor
        rank = rng.permutation(size)
        similar = (rows[chosen], cols[chosen], scores)
        pairs = {(int(i), int(j)): float(s) for i, j, s in zip(*similar, strict=True)}
        for threshold, floor in ((0.3, 0.1), (0.45, 0.25), (0.2, 0.2)):
            assert floored_average_link(size, similar, threshold, floor, rank) == \
                _naive_floored_average_link(size, pairs, threshold, floor, rank.tolist()), (trial, threshold, floor)

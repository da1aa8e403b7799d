"""The embedded extractive summarizer: its shipped weights, its choices, and the command that refits them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from vnsumm import ExtractiveParams, ExtractiveSummarizer
from vnsumm.backends.extractive import EXTRACTIVE_LENGTHS
from vnsumm.lang.text import split_sentences, syllables
from vnsumm.models.extractive import WEIGHTS_FILE, fitted
from vnsumm.models.extractive_features import FEATURES

TITLE = "Hà Nội khởi công cầu Tứ Liên bắc qua sông Hồng"
# The second sentence restates the headline; the others are background, a caption and an aside.
ARTICLE = "\n".join([
    "Sáng nay trời Hà Nội nắng nhẹ, nhiều người dân ra đường từ sớm.",
    "Sáng 12/10, UBND thành phố Hà Nội khởi công xây dựng cầu Tứ Liên bắc qua sông Hồng, nối quận Tây Hồ với "
    "huyện Đông Anh, tổng vốn đầu tư hơn 19.000 tỷ đồng.",
    "Ảnh: Ngọc Anh",
    "Cầu Tứ Liên dài khoảng 5,5 km, là cây cầu thứ 10 bắc qua sông Hồng ở Hà Nội, dự kiến hoàn thành năm 2027.",
    "Theo lãnh đạo thành phố, cầu sẽ giảm tải cho cầu Nhật Tân và cầu Long Biên, thúc đẩy phát triển phía bắc.",
    "Một người dân nói anh đã chờ tin này nhiều năm.",
    "Trước đó, dự án được Hội đồng nhân dân thành phố thông qua chủ trương đầu tư vào năm 2023.",
    "Trong năm nay, Hà Nội cũng khởi công nhiều tuyến đường vành đai và các dự án giao thông khác.",
])


def test_shipped_weights_are_a_small_versioned_json_inside_the_package() -> None:
    path = ROOT / "src" / "vnsumm" / "models" / WEIGHTS_FILE
    assert path.stat().st_size < 20_000  # coefficients, not a pickled model
    model = json.loads(path.read_text(encoding="utf-8"))
    assert model == fitted()  # what the summarizer loads is the file in the package folder (hatch ships it)
    assert list(model["weights"]) == list(FEATURES) and "train_tokenized" in model["trained_on"]
    body = json.dumps({k: model[k] for k in ("features", "weights", "params")}, sort_keys=True)
    assert model["version"] == hashlib.sha256(body.encode()).hexdigest()[:12]
    assert ExtractiveSummarizer().identity().revision == model["version"]
    default = ExtractiveParams()
    assert (default.target_syllables, default.max_sentences, default.redundancy) == (
        model["params"]["target_syllables"], model["params"]["max_sentences"], model["params"]["redundancy"])


def test_summary_is_the_articles_own_sentences_in_order_and_leads_with_the_headline_sentence() -> None:
    sentences = split_sentences(ARTICLE)
    summary = ExtractiveSummarizer().summarize([ARTICLE], [TITLE])[0]
    picked = summary.split("\n")
    positions = [sentences.index(s) for s in picked]  # one sentence a line, each the article's own
    assert positions == sorted(positions)
    assert 1 in positions  # the sentence that restates the headline
    assert 2 not in positions and 5 not in positions  # neither the caption nor the aside
    assert ExtractiveSummarizer().summarize([ARTICLE], [TITLE]) == [summary]  # deterministic


def test_length_presets_give_longer_summaries_and_respect_the_sentence_cap() -> None:
    long_article = "\n".join([ARTICLE] * 1 + [f"Đoạn {i}: " + s for i, s in enumerate(split_sentences(ARTICLE))])
    lengths = []
    for preset in ("short", "medium", "long"):
        params = ExtractiveParams(**EXTRACTIVE_LENGTHS[preset])
        [summary] = ExtractiveSummarizer(params).summarize([long_article], [TITLE])
        assert len(summary.split("\n")) <= params.max_sentences
        lengths.append(len(syllables(summary)))
    assert lengths[0] < lengths[1] < lengths[2]


def test_a_repeated_sentence_is_not_picked_twice() -> None:
    sentences = split_sentences(ARTICLE)
    article = "\n".join([*sentences, sentences[1]])
    params = ExtractiveParams(target_syllables=200, max_sentences=2)
    picked = ExtractiveSummarizer(params).summarize([article], [TITLE])[0].split("\n")
    assert len(picked) == 2 and picked.count(sentences[1]) == 1
    unguarded = ExtractiveSummarizer(params.model_copy(update={"redundancy": 0.0}))
    assert unguarded.summarize([article], [TITLE])[0].split("\n").count(sentences[1]) == 2  # the guard did it


def test_a_sentence_that_needs_its_neighbours_is_taken_only_when_nothing_else_is_left() -> None:
    sentences = split_sentences(ARTICLE)
    summarizer = ExtractiveSummarizer()
    [first] = summarizer.select(sentences, TITLE)
    for needy in (sentences[first].rstrip(".") + " như sau:",  # announces a list the summary would not show
                  sentences[first].rstrip(".") + '", ông nói.',  # the end of a quotation begun before it
                  ">> " + sentences[first]):  # an item of a related-items list a flattened page kept
        changed = [*sentences[:first], needy, *sentences[first + 1:]]
        assert summarizer.select(changed, TITLE) != [first], needy
        assert summarizer.select([needy], TITLE) == [0]  # alone, it is all there is
    quoted = sentences[first].rstrip(".") + ', "ông nói".'  # a whole quotation reads alone
    assert summarizer.select([*sentences[:first], quoted, *sentences[first + 1:]], TITLE) == [first]


def test_weight_overrides_change_the_choice() -> None:
    # Everything on position: the first sentence wins whatever the headline says.
    only_first = {name: 0.0 for name in FEATURES} | {"pos_0": 5.0}
    params = ExtractiveParams(weights=only_first, max_sentences=1)  # type: ignore[arg-type]
    assert ExtractiveSummarizer(params).summarize([ARTICLE], [TITLE]) == [split_sentences(ARTICLE)[0]]
    with pytest.raises(ValueError):
        ExtractiveParams(weights={"no_such_feature": 1.0})  # type: ignore[dict-item]


def _seg(title: str, abstract: str, body: list[str]) -> str:
    """A VietNews `.txt.seg` file: words joined by underscores, punctuation spaced out."""
    def tok(s: str) -> str:
        return s.replace("Hà Nội", "Hà_Nội").replace("sông Hồng", "sông_Hồng").replace(",", " ,").replace(".", " .")
    return f"{tok(title)}\n\n{tok(abstract)}\n\n" + "\n".join(tok(s) for s in body) + "\n\nẢnh : minh hoạ\n"


def test_train_command_refits_weights_deterministically_and_never_reads_a_test_split(tmp_path: Path) -> None:
    sentences = split_sentences(ARTICLE)
    for split, count in (("train_tokenized", 24), ("val_tokenized", 6)):
        folder = tmp_path / split
        folder.mkdir()
        for k in range(count):
            body = sentences[k % 3:] + sentences[: k % 3]  # the headline sentence moves about
            (folder / f"{k:06d}.txt.seg").write_text(_seg(TITLE, sentences[1], body), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    outputs = []
    for name in ("a.json", "b.json"):
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_extractive.py"),
                               str(tmp_path / "train_tokenized"), str(tmp_path / "val_tokenized"),
                               "--jobs", "1", "--out", str(tmp_path / name)],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append((tmp_path / name).read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    model = json.loads(outputs[0])
    assert model["trained_on"].endswith("24 articles (ThanhChinhBK/vietnews)")
    # The abstract is always the headline sentence: the fit must score it above the rest.
    summary = ExtractiveSummarizer(ExtractiveParams(weights=model["weights"], max_sentences=1)).summarize(
        [ARTICLE], [TITLE])[0]
    assert summary == sentences[1]
    (tmp_path / "test_tokenized").mkdir()
    refused = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_extractive.py"),
                              str(tmp_path / "test_tokenized"), str(tmp_path / "val_tokenized"),
                              "--out", str(tmp_path / "c.json")], capture_output=True, text=True, env=env)
    assert refused.returncode != 0 and not (tmp_path / "c.json").exists()


def test_features_match_a_direct_tfidf_computation_on_both_matrix_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    import math
    from collections import Counter
    from itertools import pairwise

    from vnsumm.models import extractive_features

    sentences = [*split_sentences(ARTICLE), split_sentences(ARTICLE)[1]]  # the last repeats the second
    tokens = [syllables(s) for s in sentences]
    bags = [Counter([*t, *(f"{a} {b}" for a, b in pairwise(t))]) for t in tokens]
    df = Counter(term for b in bags for term in b)
    vectors = [{t: (1 + math.log(c)) * math.log(1 + len(bags) / df[t]) for t, c in b.items()} for b in bags]
    centroid = Counter[str]()
    for vector in vectors:
        centroid.update(vector)

    def cos(a: dict[str, float], b: dict[str, float]) -> float:
        return sum(v * b.get(k, 0.0) for k, v in a.items()) / math.hypot(*a.values()) / math.hypot(*b.values())

    title = set(syllables(TITLE))
    dense = extractive_features.sentence_features(sentences, TITLE)
    monkeypatch.setattr(extractive_features, "_JOIN_PAIRS", 0)  # the sparse product long articles take
    for features in (dense, extractive_features.sentence_features(sentences, TITLE)):
        rows = {name: features.rows[:, k] for k, name in enumerate(FEATURES)}
        assert rows["centrality"] == pytest.approx([cos(v, centroid) for v in vectors])
        assert rows["lead_similarity"] == pytest.approx([cos(v, vectors[0]) for v in vectors])
        assert rows["title_recall"] == pytest.approx([len(title & set(t)) / len(title) for t in tokens])
        assert features.similarity[1, -1] == pytest.approx(1.0) and features.similarity[1, 0] < 0.5
        assert features.similarity == pytest.approx(features.similarity.T)
    assert extractive_features.sentence_features([], TITLE).rows.shape == (0, len(FEATURES))


def test_training_reads_the_body_of_articles_spread_over_the_split(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extractive_data import read_split

    for k in range(10):
        (tmp_path / f"{k:06d}.txt.seg").write_text(_seg(f"Tin {k}", "Tóm tắt .", [f"Câu {k} ."]), encoding="utf-8")
    docs = list(read_split(tmp_path, 3))
    assert [d.id for d in docs] == ["000000", "000003", "000006"]  # not the first three: files run by site
    assert docs[0].text == "Câu 0." and "Ảnh" not in docs[0].text  # the caption block after the body is left out

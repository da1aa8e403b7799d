"""Known answers for Vietnamese ROUGE, and agreement with rouge-score run with an equivalent tokenizer."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from helpers import ROOT, vnsumm
from rouge_score import rouge_scorer, tokenizers

from vnsumm.evaluation.scoring import rouge, score


def test_hand_computed_figures() -> None:
    result = rouge(["Đảng ủy họp"], ["Đảng ủy khối họp"])
    # unigrams: 3 shared, P 3/3, R 3/4; bigrams: "đảng ủy" shared, P 1/2, R 1/3; LCS 3.
    figure = result.rouge["rouge1"]
    assert (figure.p, figure.r, figure.f) == pytest.approx((100.0, 75.0, 85.71))
    assert figure.ci == pytest.approx((85.71, 85.71))
    assert result.rouge["rouge2"].f == pytest.approx(40.0)
    assert result.rouge["rougeL"].f == pytest.approx(85.71)


def test_dang_is_not_ng() -> None:
    assert rouge(["Đảng"], ["ng"]).rouge["rouge1"].f == 0.0
    assert rouge(["Đảng"], ["ng"], compat=True).rouge["rouge1"].f == 100.0  # why the default tokenizer lies
    assert "COMPAT" in str(rouge(["a"], ["a"], compat=True).signature)


def test_nfc_and_nfd_score_the_same() -> None:
    pred, gold = "Hội nghị quán triệt Nghị quyết tại Hà Nội.", "Hội nghị tại Hà Nội bàn về Nghị quyết."
    nfc = rouge([pred], [gold]).rouge
    nfd = rouge([unicodedata.normalize("NFD", pred)], [unicodedata.normalize("NFD", gold)]).rouge
    assert nfc == nfd and nfc["rouge1"].f > 50


def test_signature_names_the_settings() -> None:
    signature = str(rouge(["a b"], ["a b"]).signature)
    assert signature.startswith("tok:syllable|nfc|") and "|lc|" in signature and "n:1" in signature


class UnicodeTokenizer(tokenizers.Tokenizer):
    """The independent reference: NFC, lowercase, Unicode \\w+."""

    def tokenize(self, text: str) -> list[str]:
        return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def test_agrees_with_rouge_score_on_vietnews_like_text() -> None:
    references = [json.loads(line) for line in (ROOT / "eval" / "references.jsonl").open(encoding="utf-8")]
    golds = [r["summary_vi"] for r in references]
    preds = [(ROOT / "seeds" / f"{r['id']}.txt").read_text(encoding="utf-8")[:600] for r in references]
    ours = rouge(preds, golds).rouge
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=UnicodeTokenizer())
    for metric in ("rouge1", "rouge2", "rougeL"):
        theirs = sum(scorer.score(g, p)[metric].fmeasure for p, g in zip(preds, golds, strict=True)) / len(preds)
        assert ours[metric].f == pytest.approx(100 * theirs, abs=0.15)
        low, high = ours[metric].ci
        assert low <= ours[metric].f <= high


def test_english_adds_chrf_and_bleu() -> None:
    result = score(["The meeting was held in Hanoi."], ["The conference was held in Hanoi."], lang="en").as_dict()
    assert 0 < result["chrf"]["score"] < 100 and "nc:6" in result["chrf"]["signature"]
    assert result["bleu"]["score"] >= 0 and result["rouge1"]["f"] > 50


def test_score_cli_json_and_missing_ids(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    gold = tmp_path / "gold.jsonl"
    pred.write_text('{"id": "a", "summary_vi": "Đảng ủy họp"}\n{"id": "x", "summary_vi": "khác"}\n', encoding="utf-8")
    gold.write_text('{"id": "a", "summary": "Đảng ủy khối họp"}\n{"id": "b", "summary": "không có"}\n',
                    encoding="utf-8")
    done = vnsumm("score", str(pred), str(gold), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["rouge1"]["f"] == pytest.approx(85.71) and result["n"] == 1
    assert result["missing"] == {"predictions": ["b"], "references": ["x"]}
    assert {"rouge2", "rougeL", "rougeLsum", "signature"} <= set(result)


def test_eval_extractive_on_seeds_stays_above_floor(tmp_path: Path) -> None:
    done = vnsumm("eval", "--summarizer", "extractive", "--json", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    vi = report["scores"]["vi"]
    assert vi["n"] == 5 and len(vi["per_article"]) == 5
    # A floor well under the README figure: it catches a broken cleaner or summarizer.
    assert vi["rouge1"]["f"] >= 45 and vi["rouge2"]["f"] >= 30
    assert json.loads((tmp_path / "eval_report.json").read_text())["scores"]["vi"]["n"] == 5


def test_eval_english_side_with_tiny_models(tiny_registry: Path, tmp_path: Path) -> None:
    done = vnsumm("eval", "--summarizer", "extractive", "--lang", "en", "--models", str(tiny_registry),
                  "--json", "--out", str(tmp_path), "--device", "cpu")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)["scores"]
    assert scores["en"]["n"] == 5 and "chrf" in scores["en"] and scores["vi"]["n"] == 5


def test_score_compares_numbers_as_text_and_caps_long_texts_with_a_warning(tmp_path: Path) -> None:
    from vnsumm.evaluation.scoring import MAX_TOKENS, score_files

    pred = tmp_path / "pred.jsonl"
    gold = tmp_path / "gold.jsonl"
    long = " ".join(["họp"] * (MAX_TOKENS + 500))
    pred.write_text(json.dumps({"id": "a", "summary_vi": 42}) + "\n"
                    + json.dumps({"id": "b", "summary_vi": long}, ensure_ascii=False) + "\n", encoding="utf-8")
    gold.write_text('{"id": "a", "summary": "42"}\n{"id": "b", "summary": "họp"}\n', encoding="utf-8")
    report = score_files(pred, gold)
    assert report.scores.per_item[0]["rouge1"] == 100.0  # the number 42 against the text "42"
    assert report.warnings == [f"1 predictions longer than {MAX_TOKENS:,} syllables compared on their first "
                               f"{MAX_TOKENS:,}"]
    done = vnsumm("score", str(pred), str(gold))
    assert done.returncode == 0 and "Traceback" not in done.stderr and "warning: 1 predictions longer" in done.stderr

"""The registry: the shipped entries follow their authors' conventions, and every malformed registry is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from vnsumm import Runtime, encode_inputs, load_registry
from vnsumm.backends import CTranslate2Spec
from vnsumm.cli import app
from vnsumm.errors import ConfigError
from vnsumm.models.ctranslate2_generator import ct2_compute_type
from vnsumm.models.tokenizer import load_tokenizer

SHIPPED = ROOT / "models.yaml"
SENTENCE = "Sáng 28/5/2020, tại TP. Hà Nội, Đảng ủy Khối tổ chức Hội nghị quán triệt Nghị quyết."
runner = CliRunner()


def test_shipped_entries_follow_their_authors_and_name_the_source() -> None:
    registry = load_registry(SHIPPED)
    assert registry.default_summarizer == "vit5-base" and registry.default_translator == "envit5"
    for name in ("vit5-base", "vit5-base-hf"):  # the base checkpoint was fine-tuned on the bare article
        spec = registry.summarizer(name)
        assert (spec.model, spec.prefix) == ("VietAI/vit5-base-vietnews-summarization", "")
        assert "Eval_vietnews_sum.ipynb" in (spec.source or "") and "4248307" in (spec.source or "")
    large = registry.summarizer("vit5-large")
    assert (large.model, large.prefix) == ("VietAI/vit5-large-vietnews-summarization", "vietnews: ")
    for name in ("envit5", "envit5-hf"):
        spec = registry.translator(name)
        assert (spec.model, spec.prefix, spec.strip_prefix) == ("VietAI/envit5-translation", "vi: ", "en: ")
    vinai = registry.translator("vinai-v2")
    assert (vinai.src_lang, vinai.tgt_lang, vinai.generate["num_beams"]) == ("vi_VN", "en_XX", 5)
    assert "AGPL" in (vinai.licence or "")
    assert registry.translator("opus-mt").prefix == ""
    for spec in [*registry.summarizers.values(), *registry.translators.values()]:
        assert spec.source, f"{spec.name} has no source for its conventions"


@pytest.mark.parametrize(("name", "folder", "prefix"), [
    ("vit5-base", "vit5", ""), ("vit5-base-hf", "vit5", ""), ("vit5-large", "vit5", "vietnews: "),
    ("envit5", "envit5", "vi: "), ("envit5-hf", "envit5", "vi: "), ("opus-mt", "marian", ""),
])
def test_token_ids_each_shipped_entry_builds(tiny_registry: Path, name: str, folder: str, prefix: str) -> None:
    """The shipped entry's settings, with a tokenizer of the same architecture: prefix or none, one end token."""
    registry = load_registry(SHIPPED)
    spec = registry.summarizers.get(name) or registry.translator(name)
    tokenizer = load_tokenizer(tiny_registry.parent / folder)
    [ids] = encode_inputs(spec, tokenizer, [SENTENCE])
    assert ids == tokenizer(prefix + SENTENCE)["input_ids"]
    assert ids[-1] == tokenizer.eos_token_id and ids.count(tokenizer.eos_token_id) == 1
    bare = tokenizer(SENTENCE, add_special_tokens=False)["input_ids"]
    if prefix:
        assert ids[: -1] != bare and tokenizer.decode(ids, skip_special_tokens=True).startswith(prefix.strip())
    else:
        assert ids[:-1] == bare  # the bare article: nothing before it


def test_t5_never_runs_in_fp16_on_cuda() -> None:
    t5 = CTranslate2Spec(name="vit5", backend="ctranslate2", model="m")
    with_bf16 = {"int8", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32"}
    assert ct2_compute_type(t5, "cuda", "t5", with_bf16) == "int8_bfloat16"
    assert ct2_compute_type(t5, "cuda", "t5", {"int8", "int8_float16", "float16", "float32"}) == "float32"
    assert ct2_compute_type(t5, "cpu", "t5") == "int8"
    marian = CTranslate2Spec(name="opus", backend="ctranslate2", model="m")
    assert ct2_compute_type(marian, "cuda", "marian", with_bf16) == "int8_float16"
    with pytest.raises(ConfigError, match="not safe"):
        ct2_compute_type(CTranslate2Spec(name="v", backend="ctranslate2", model="m", quantization="int8_float16"),
                         "cuda", "t5", with_bf16)


def test_transformers_t5_on_a_gpu_without_bf16_runs_in_fp32(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from vnsumm.models.transformers_generator import model_dtype

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert model_dtype("cuda", family="t5") == torch.float32
    assert model_dtype("cuda", family="marian") == torch.float16


def test_compute_type_is_in_the_records_model_identity(tiny_registry: Path) -> None:
    from vnsumm import Seq2SeqGenerator

    registry = load_registry(tiny_registry)
    assert Seq2SeqGenerator(registry.summarizer("tiny-vit5-ct2"), Runtime("cpu")).identity().compute_type == "int8"
    assert Seq2SeqGenerator(registry.summarizer("tiny-vit5"), Runtime("cpu")).identity().compute_type in (
        "float32", "bfloat16")


ENTRY = "  good:\n    backend: transformers\n    model: VietAI/x\n"
MALFORMED = {  # the registry text, and what the one-line error must name
    "max_input_tokens: lots": (f"summarizers:\n{ENTRY}    max_input_tokens: lots\n",
                               "summarizers.good.max_input_tokens"),
    "model: 123": ("summarizers:\n  good:\n    backend: transformers\n    model: 123\n", "summarizers.good.model"),
    "max_input_tokens: -5": (f"summarizers:\n{ENTRY}    max_input_tokens: -5\n", "summarizers.good.max_input_tokens"),
    "quantization: int3": ("summarizers:\n  good:\n    backend: ctranslate2\n    model: VietAI/x\n"
                           "    quantization: int3\n", "summarizers.good.quantization"),
    "params typo": ("summarizers:\n  ex:\n    backend: extractive\n    params: {target_syllabels: 40}\n",
                    "summarizers.ex.params.target_syllabels"),
    "top-level typo": (f"summarizer:\n{ENTRY}", "summarizer: unknown key (did you mean 'summarizers'?)"),
    "extractive translator": ("summarizers:\n  ex: {backend: extractive}\ntranslators:\n  tr: {backend: extractive}\n",
                              "translators.tr.backend"),
    "generate typo": (f"summarizers:\n{ENTRY}    generate: {{num_beam: 4}}\n", "summarizers.good.generate.num_beam"),
    "unknown default": ("defaults: {summarizer: nope}\nsummarizers:\n  ex: {backend: extractive}\n",
                        "defaults.summarizer"),
    "quantization on transformers": (f"summarizers:\n{ENTRY}    quantization: int8\n", "summarizers.good"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_registry_is_one_line_naming_file_entry_and_key(case: str, tmp_path: Path) -> None:
    text, named = MALFORMED[case]
    registry = tmp_path / "models.yaml"
    registry.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["run", str(ROOT / "seeds"), "--models", str(registry), "--lang", "vi",
                                 "--summarizer", "ex", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert str(registry) in line and named in line, line
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists()


def test_one_entry_registry_needs_no_defaults(tmp_path: Path) -> None:
    registry = tmp_path / "models.yaml"
    registry.write_text("summarizers:\n  lead:\n    backend: extractive\n    params: {target_syllables: 30}\n")
    for extra in ([], ["--summarizer", "lead"]):  # a named entry, or the single one as default
        out = tmp_path / f"out{len(extra)}"
        result = runner.invoke(app, ["run", str(ROOT / "seeds"), "--models", str(registry), "--lang", "vi",
                                     "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        assert (out / "summaries.jsonl").read_text(encoding="utf-8").count('"name": "lead"') == 5
    result = runner.invoke(app, ["run", str(ROOT / "seeds"), "--models", str(registry), "--lang", "en",
                                 "--out", str(tmp_path / "en")])
    assert result.exit_code == 2 and "has no translators" in result.stderr


def test_two_entries_without_defaults_ask_for_a_name(tmp_path: Path) -> None:
    registry = tmp_path / "models.yaml"
    registry.write_text("summarizers:\n  a: {backend: extractive}\n  b: {backend: extractive}\n")
    result = runner.invoke(app, ["run", str(ROOT / "seeds"), "--models", str(registry), "--lang", "vi",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--summarizer" in result.stderr and "a, b" in result.stderr


def test_models_list_shows_whole_ids_and_check_says_what_runs_offline(tiny_registry: Path, tmp_path: Path) -> None:
    listed = runner.invoke(app, ["models", "list", "--models", str(SHIPPED)])
    assert listed.exit_code == 0
    for model_id in ("VietAI/vit5-base-vietnews-summarization", "vinai/vinai-translate-vi2en-v2"):
        assert model_id in listed.stdout  # whole, never cut with an ellipsis
    checked = runner.invoke(app, ["models", "check", "--models", str(tiny_registry)])
    assert checked.exit_code == 0 and "extractive: embedded in vnsumm, runs offline" in checked.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    registry = tmp_path / "models.yaml"
    registry.write_text("summarizers:\n  local: {backend: transformers, model: ./broken}\n")
    checked = runner.invoke(app, ["models", "check", "--models", str(registry)])
    assert checked.exit_code == 1
    assert "has no weights" in checked.stdout and "pull" not in checked.stdout

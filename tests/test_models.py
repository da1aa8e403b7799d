"""The real loading and generation code, run on tiny models of the real architectures."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import read_jsonl, vnsumm
from pydantic import ValidationError

from vnsumm import ModelUnavailable, Runtime, Seq2SeqGenerator, build_input, load_registry, plan_batches, postprocess
from vnsumm.backends import CTranslate2Spec, TransformersSpec
from vnsumm.lang.text import split_sentences
from vnsumm.models.ctranslate2_generator import ct2_options
from vnsumm.models.weights import locate_model

VIETNAMESE = "Sáng 28/5/2020, tại TP. Hà Nội, Đảng ủy Khối tổ chức Hội nghị quán triệt Nghị quyết."


def test_prompt_and_output_conventions() -> None:
    spec = TransformersSpec(name="envit5", backend="transformers", model="x", prefix="vi: ", strip_prefix="en: ")
    assert build_input(spec, "  Xin chào.  ") == "vi: Xin chào."
    assert postprocess(spec, "en: Hello there.") == "Hello there."
    assert postprocess(spec, "en:Hello.") == "Hello."
    assert postprocess(spec, "Hello, en: stays.") == "Hello, en: stays."


def test_vit5_input_ids_have_prefix_and_exactly_one_end_token(tiny_registry: Path) -> None:
    generator = Seq2SeqGenerator(load_registry(tiny_registry).summarizer("tiny-vit5"), Runtime("cpu"))
    [ids] = generator.encode([VIETNAMESE])
    eos = generator.tokenizer.eos_token_id
    assert ids[-1] == eos and ids.count(eos) == 1  # the card's hand-written " </s>" would make two
    prefix = generator.tokenizer("vietnews:", add_special_tokens=False)["input_ids"]
    assert ids[: len(prefix)] == prefix
    # Tokenizer round trip on Vietnamese text (a broken tokenizer maps every word to <unk>).
    assert generator.tokenizer.unk_token_id not in ids
    assert generator.tokenizer.decode(ids, skip_special_tokens=True) == "vietnews: " + VIETNAMESE


def test_inputs_are_truncated_to_the_window(tiny_registry: Path) -> None:
    generator = Seq2SeqGenerator(load_registry(tiny_registry).summarizer("tiny-vit5"), Runtime("cpu"))
    [ids] = generator.encode([VIETNAMESE * 40])
    assert len(ids) == 256 and ids[-1] == generator.tokenizer.eos_token_id


def test_generation_is_batched_and_keeps_input_order(tiny_registry: Path) -> None:
    generator = Seq2SeqGenerator(load_registry(tiny_registry).summarizer("tiny-vit5"), Runtime("cpu", batch_tokens=300))
    texts = [VIETNAMESE * n for n in (1, 5, 2, 9, 3)]
    seen: list[int] = []
    batched = generator.generate(texts, progress=seen.append)
    assert len(seen) > 1 and sum(seen) == len(texts)  # several batches under a small token budget
    one_by_one = [generator.generate([t])[0] for t in texts]
    assert batched == one_by_one  # padding and sorting change nothing


def test_a_batch_that_runs_out_of_gpu_memory_is_done_in_halves(tiny_registry: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    spec = load_registry(tiny_registry).summarizer("tiny-vit5").model_copy(update={"dtype": "float32"})
    generator = Seq2SeqGenerator(spec, Runtime("cpu"))  # float32: padding changes no output
    texts = [VIETNAMESE * n for n in (1, 5, 2, 9, 3, 4)]
    expected = generator.generate(texts)
    model = generator.generator.model  # type: ignore[attr-defined]
    generate, rows = model.generate, []

    def out_of_memory_above_two_rows(**kwargs: Any) -> Any:
        if len(kwargs["input_ids"]) > 2:  # what a GPU says when the batch does not fit
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        rows.append(len(kwargs["input_ids"]))
        return generate(**kwargs)

    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: None)
    monkeypatch.setattr(model, "generate", out_of_memory_above_two_rows)
    budget = generator.token_budget
    assert generator.generate(texts) == expected  # same outputs, in order
    assert sum(rows) == len(texts) and max(rows) <= 2 and generator.token_budget < budget

    def always_out_of_memory(**kwargs: Any) -> Any:
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    monkeypatch.setattr(model, "generate", always_out_of_memory)
    with pytest.raises(torch.cuda.OutOfMemoryError):  # one input that does not fit is not hidden
        generator.generate([VIETNAMESE])


@pytest.mark.parametrize("name", ["tiny-envit5", "tiny-opus"])
def test_translators_of_both_architectures_load_and_generate(tiny_registry: Path, name: str) -> None:
    generator = Seq2SeqGenerator(load_registry(tiny_registry).translator(name), Runtime("cpu"))
    outputs = generator.generate(["Đảng ủy họp.", "Hội nghị diễn ra tại Hà Nội."])
    assert len(outputs) == 2 and all(isinstance(o, str) for o in outputs)
    assert not any(o.startswith("en:") for o in outputs)


def test_plan_batches_respects_token_budget_and_sorts_by_length() -> None:
    lengths = [10, 300, 50, 1000, 20, 999]
    batches = plan_batches(lengths, token_budget=2048)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= 2048 or len(batch) == 1
        assert [lengths[i] for i in batch] == sorted((lengths[i] for i in batch), reverse=True)
    assert batches[0] == [3, 5]
    assert all(len(b) <= 2 for b in plan_batches(lengths, token_budget=10**6, max_batch=2))


def test_hub_cache_snapshot_is_found_offline_and_its_commit_recorded(
    tiny_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub id resolves through the Hugging Face cache layout (refs/main -> snapshots/<commit>) offline."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--VietAI--vit5-base-vietnews-summarization"
    shutil.copytree(tiny_registry.parent / "vit5", repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    spec = TransformersSpec(name="vit5-base", backend="transformers", model="VietAI/vit5-base-vietnews-summarization",
                     revision="main", prefix="vietnews: ", max_input_tokens=64, generate={"max_new_tokens": 3})
    assert locate_model(spec, download=False).name == commit
    generator = Seq2SeqGenerator(spec, Runtime("cpu"))
    assert generator.identity().revision == commit
    assert generator.identity().model == "VietAI/vit5-base-vietnews-summarization"


def test_missing_weights_offline_is_a_one_line_error() -> None:
    spec = TransformersSpec(name="vit5-large", backend="transformers", model="VietAI/no-such-model", revision="main")
    with pytest.raises(ModelUnavailable) as info:
        Seq2SeqGenerator(spec, Runtime("cpu"))
    message = str(info.value)
    assert "\n" not in message and "VietAI/no-such-model" in message and "vnsumm models pull vit5-large" in message


def test_ct2_option_mapping() -> None:
    spec = CTranslate2Spec(name="m", backend="ctranslate2", model="x", generate={
        "num_beams": 4, "max_new_tokens": 64, "min_new_tokens": 10, "no_repeat_ngram_size": 3,
        "length_penalty": 1.2, "repetition_penalty": 1.1, "early_stopping": True})
    assert ct2_options(spec) == {"beam_size": 4, "max_decoding_length": 64, "min_decoding_length": 10,
                                 "no_repeat_ngram_size": 3, "length_penalty": 1.2, "repetition_penalty": 1.1}
    with pytest.raises(ValidationError, match="temperature"):  # the registry refuses what a backend cannot do
        CTranslate2Spec(name="m", backend="ctranslate2", model="x", generate={"temperature": 0.7})


def test_long_articles_are_chunked_on_sentences_and_reduced(tiny_registry: Path) -> None:
    from vnsumm.models.seq2seq import Seq2SeqSummarizer

    summarizer = Seq2SeqSummarizer(Seq2SeqGenerator(load_registry(tiny_registry).summarizer("tiny-vit5-chunked"),
                                                    Runtime("cpu")))
    long_text = (Path(__file__).parents[1] / "seeds" / "001_90ddfd1562c07cf7.txt").read_text(encoding="utf-8")
    chunks = summarizer.chunks(long_text)
    assert len(chunks) > 2
    assert all(len(ids) <= 128 and ids[-1] == summarizer.generator.tokenizer.eos_token_id
               for ids in summarizer.generator.encode(chunks))
    assert " ".join(chunks).split() == " ".join(split_sentences(long_text)).split()  # nothing lost or reordered
    calls: list[int] = []
    original = summarizer.generator.generate

    def counting(texts, progress=None):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return original(texts, progress)

    summarizer.generator.generate = counting  # type: ignore[method-assign]
    summaries = summarizer.summarize([long_text, "Hội nghị diễn ra tại Hà Nội."])
    assert len(summaries) == 2 and calls == [len(chunks) + 1, 1]  # map over all chunks, then one reduce


def test_dtype_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from vnsumm.models import transformers_generator

    monkeypatch.setattr(transformers_generator, "cpu_has_native_bf16", lambda: True)
    assert transformers_generator.model_dtype("cpu") == torch.bfloat16
    assert transformers_generator.model_dtype("mps") == torch.float32
    assert transformers_generator.model_dtype("cpu", "float32") == torch.float32
    monkeypatch.setattr(transformers_generator, "cpu_has_native_bf16", lambda: False)  # emulated bf16: slower than fp32
    assert transformers_generator.model_dtype("cpu") == torch.float32
    assert transformers_generator.model_dtype("cpu", "bfloat16") == torch.bfloat16


def test_native_bf16_detection_agrees_with_the_cpu_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """torch's checks are private: if they vanish, the answer must come from the CPU flags, not silently be 'no'."""
    import torch

    from vnsumm.models.transformers_generator import cpu_flags, cpu_has_native_bf16

    flags = cpu_flags()
    if not flags:
        pytest.skip("no /proc/cpuinfo flags on this platform")
    expected = "avx512_bf16" in flags or "amx_bf16" in flags
    assert cpu_has_native_bf16() == expected
    monkeypatch.delattr(torch.cpu, "_is_avx512_bf16_supported", raising=False)
    assert cpu_has_native_bf16() == expected


@pytest.mark.parametrize("folder", ["vit5", "marian"])
def test_cast_on_load_reads_the_same_weights_as_from_pretrained(tiny_registry: Path, folder: str,
                                                                tmp_path: Path) -> None:
    """The pread path (fp32 file, bf16 model) must give from_pretrained's model: weights, ties, generation config."""
    import json

    import torch
    from transformers import AutoModelForSeq2SeqLM

    from vnsumm.models.transformers_generator import load_seq2seq_model

    path = Path(shutil.copytree(tiny_registry.parent / folder, tmp_path / folder))
    (path / "generation_config.json").write_text(json.dumps({**json.loads(
        (path / "generation_config.json").read_text()), "max_length": 77}))
    expected = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=torch.bfloat16)
    loaded = load_seq2seq_model(path, torch.bfloat16)
    assert type(loaded) is type(expected) and loaded.dtype == torch.bfloat16
    want, got = expected.state_dict(), loaded.state_dict()
    assert want.keys() == got.keys() and all(torch.equal(want[k], got[k]) for k in want)
    assert loaded.generation_config.max_length == 77
    def tied(model: torch.nn.Module) -> bool:
        return model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()

    assert tied(loaded) == tied(expected)
    ids = torch.tensor([[5, 6, 7, 1]])
    assert torch.equal(expected.generate(input_ids=ids, max_new_tokens=5),
                       loaded.generate(input_ids=ids, max_new_tokens=5))


def test_ctranslate2_runs_keep_the_tokenizer_beside_the_conversion(tiny_registry: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The second run reads the saved Rust tokenizer (no transformers import) and must tokenize, truncate, decode and
    generate exactly as the first, which used transformers' tokenizer."""
    import subprocess
    import sys

    from vnsumm.models.tokenizer import SavedTokenizer

    monkeypatch.setenv("VNSUMM_CACHE", str(tmp_path))
    spec = load_registry(tiny_registry).summarizer("tiny-vit5-ct2")
    first = Seq2SeqGenerator(spec, Runtime("cpu"))
    second = Seq2SeqGenerator(spec, Runtime("cpu"))
    assert not isinstance(first.tokenizer, SavedTokenizer) and isinstance(second.tokenizer, SavedTokenizer)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))]
    texts = [*seeds, VIETNAMESE, "Giá vàng tăng , còn USD giảm ."]
    assert max(len(ids) for ids in first.encode(seeds)) == spec.max_input_tokens  # truncation is exercised
    assert first.encode(texts) == second.encode(texts)
    assert first.count_tokens(texts) == second.count_tokens(texts)
    ids = [[5, 0, 17, 1, 30, 2, 99], first.encode([VIETNAMESE])[0]]  # pad, end and unknown ids among others
    assert first.tokenizer.batch_decode(ids, skip_special_tokens=True) == second.tokenizer.batch_decode(
        ids, skip_special_tokens=True)
    assert first.tokenizer.convert_ids_to_tokens(ids[1]) == second.tokenizer.convert_ids_to_tokens(ids[1])
    assert first.generate(texts) == second.generate(texts)
    check = ("import sys; from vnsumm import Runtime, Seq2SeqGenerator, load_registry; "
             f"e = Seq2SeqGenerator(load_registry({str(tiny_registry)!r}).summarizer('tiny-vit5-ct2'), "
             "Runtime('cpu')); "
             "e.generate(['Xin chào.']); assert 'transformers' not in sys.modules and 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", check], check=True)


def test_the_default_backend_end_to_end_summarizes_translates_and_says_how(tiny_registry: Path, tmp_path: Path) -> None:
    """The shipped defaults run on CTranslate2 (models.yaml): the same path, with tiny models of the same layout."""
    done = vnsumm("run", "seeds/", "--lang", "en", "--models", str(tiny_registry), "--summarizer", "tiny-vit5-ct2",
                  "--translator", "tiny-envit5-ct2", "--device", "cpu", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    records = read_jsonl(tmp_path / "out" / "summaries.jsonl")
    assert len(records) == 5 and all(r["summary_vi"] and r["summary_en"] for r in records)
    for role in ("summarizer", "translator"):
        assert {(r[role]["backend"], r[role]["compute_type"]) for r in records} == {("ctranslate2", "int8")}
    assert (tmp_path / "out" / "digest.en.md").exists()

"""The CTranslate2 token generator: a converted model (see `convert`), int8 on CPU, bf16-based on CUDA for T5."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vnsumm.backends.ctranslate2 import CTranslate2Spec
from vnsumm.errors import ConfigError
from vnsumm.models.weights import T5_FAMILY
from vnsumm.tuning import usable_cores

CT2_OPTIONS = {  # generate setting -> CTranslate2 translate_batch option
    "num_beams": "beam_size",
    "max_new_tokens": "max_decoding_length",
    "min_new_tokens": "min_decoding_length",
    "no_repeat_ngram_size": "no_repeat_ngram_size",
    "length_penalty": "length_penalty",
    "repetition_penalty": "repetition_penalty",
}
IGNORED_BY_CT2 = {"early_stopping"}  # CTranslate2's beam search always stops when every beam has ended


def ct2_options(spec: CTranslate2Spec) -> dict[str, Any]:
    """The entry's `generate` settings as CTranslate2 options, so both backends produce the same lengths."""
    return {CT2_OPTIONS[key]: value for key, value in spec.generate.items() if key not in IGNORED_BY_CT2}


def ct2_compute_type(spec: CTranslate2Spec, device: str, family: str | None = None,
                     supported: set[str] | None = None) -> str:
    """int8 on CPU. On CUDA: T5 models (trained in bf16, NaN in fp16: CTranslate2 issue 1074) get int8_bfloat16 where
    the GPU has bf16, else float32; other models int8_float16. An explicit `quantization` wins, except fp16 for T5."""
    t5 = family in T5_FAMILY
    if spec.quantization:
        if t5 and "float16" in spec.quantization and "bfloat16" not in spec.quantization:
            raise ConfigError(f"{spec.name}: quantization {spec.quantization} is not safe for {family} models (they "
                              "overflow to NaN in fp16); use int8_bfloat16, bfloat16, int8 or float32")
        return spec.quantization
    if device != "cuda":
        return "int8"
    if supported is None:
        import ctranslate2

        supported = set(ctranslate2.get_supported_compute_types("cuda"))
    if t5:
        return "int8_bfloat16" if "int8_bfloat16" in supported else "float32"
    return "int8_float16" if "int8_float16" in supported else "int8"


class CTranslate2Generator:
    """Runs a converted model; its tokenizer gives and takes token strings."""

    def __init__(self, spec: CTranslate2Spec, converted: Path, tokenizer: Any, device: str, compute_type: str) -> None:
        import ctranslate2

        self.tokenizer = tokenizer
        self.compute_type = compute_type
        cores = usable_cores()
        # On CPU, several single- or few-threaded workers decoding separate sub-batches beat one wide worker
        # (`vnsumm bench` measures it). Weights are shared between them.
        inter, intra = (cores, 1) if cores <= 4 else (cores // 4, 4)
        if device == "cuda":
            inter, intra = 1, 0
        self.translator = ctranslate2.Translator(
            str(converted), device=device, compute_type=compute_type, inter_threads=inter, intra_threads=intra,
        )
        self.sub_batch_tokens = 16_384 if device == "cuda" else 2_048
        self.token_budget = 65_536 if device == "cuda" else 4_096  # each batch is split again into sub-batches
        self.options = ct2_options(spec)
        self.target_prefix = [spec.tgt_lang] if spec.tgt_lang else None

    def generate_ids(self, batch: list[list[int]]) -> list[list[int]]:
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        results = self.translator.translate_batch(
            tokens,
            max_batch_size=self.sub_batch_tokens,
            batch_type="tokens",
            max_input_length=0,  # inputs are already truncated to the entry's max_input_tokens
            target_prefix=[self.target_prefix] * len(tokens) if self.target_prefix else None,
            **self.options,
        )
        return [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]

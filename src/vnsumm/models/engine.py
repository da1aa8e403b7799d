"""One batched seq2seq engine for summarization and translation, over either backend.

Prompts are built and outputs post-processed here and only here (`build_input`, `postprocess`), from the registry
entry, so both backends and both roles follow the model cards the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from vnsumm.errors import ConfigError
from vnsumm.models.weights import locate_model, model_type, snapshot_commit, unavailable
from vnsumm.registry import ModelSpec

DEVICES = ("auto", "cpu", "cuda", "mps")


class Backend(Protocol):
    """What a backend does: input token ids in, generated token ids out (no decoder start, no padding)."""

    token_budget: int  # padded input tokens per batch suited to this backend and device
    compute_type: str  # the numeric format it runs in (int8, bfloat16, float32, ...)

    def generate_ids(self, batch: list[list[int]]) -> list[list[int]]: ...


def _transformers(spec: ModelSpec, path: Path, device: str, force: bool) -> tuple[Backend, Any]:
    from vnsumm.models.tokenizer import load_tokenizer
    from vnsumm.models.transformers_backend import TransformersBackend

    tokenizer = load_tokenizer(path)
    return TransformersBackend(spec, path, tokenizer, device), tokenizer


def _ctranslate2(spec: ModelSpec, path: Path, device: str, force: bool) -> tuple[Backend, Any]:
    from vnsumm.models.convert import convert_to_ct2
    from vnsumm.models.ctranslate2_backend import CTranslate2Backend, ct2_compute_type
    from vnsumm.models.tokenizer import load_ct2_tokenizer

    if device == "mps":
        raise ConfigError(f"{spec.name}: CTranslate2 runs on cpu or cuda, not mps")
    compute_type = ct2_compute_type(spec, device, model_type(path))
    # Converted at int8 on CPU; on CUDA the weights are converted at the compute type's storage format.
    converted = convert_to_ct2(spec, path, compute_type, force=force)
    tokenizer = load_ct2_tokenizer(spec, path, converted)
    return CTranslate2Backend(spec, converted, tokenizer, device, compute_type), tokenizer


# Backend name -> loader (the extractive summarizer needs no engine: see summarize.SUMMARIZERS).
BACKENDS: dict[str, Callable[[ModelSpec, Path, str, bool], tuple[Backend, Any]]] = {
    "transformers": _transformers,
    "ctranslate2": _ctranslate2,
}


def build_input(spec: ModelSpec, text: str) -> str:
    """The model's input convention: the registry prefix, no hand-made `</s>` (the tokenizer adds the end token)."""
    return f"{spec.prefix}{text.strip()}"


def postprocess(spec: ModelSpec, output: str) -> str:
    """Strip the output-side prefix a model emits (EnViT5 answers `en: ...`)."""
    output = output.strip()
    if spec.strip_prefix and output.startswith(spec.strip_prefix.strip()):
        output = output[len(spec.strip_prefix.strip()):]
    return output.strip()


def encode_inputs(spec: ModelSpec, tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
    """Token ids the model is fed: prefix, text truncated to the window, the tokenizer's single end token."""
    encoded = tokenizer([build_input(spec, t) for t in texts], truncation=True, max_length=spec.max_input_tokens)
    return list(encoded["input_ids"])


def resolve_device(device: str = "auto", backend: str = "transformers") -> str:
    """auto -> cuda, else mps, else cpu, as the backend sees them (CTranslate2 runs without importing torch)."""
    if device not in DEVICES:
        raise ConfigError(f"device {device!r} is not one of {', '.join(DEVICES)}")
    if backend == "ctranslate2":
        import ctranslate2

        cuda, mps = ctranslate2.get_cuda_device_count() > 0, False
    else:
        import torch

        cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if device == "auto":
        return "cuda" if cuda else ("mps" if mps else "cpu")
    if device == "cuda" and not cuda:
        raise ConfigError(f"device cuda was asked for, but {backend} sees no CUDA GPU")
    return device


def plan_batches(lengths: Sequence[int], token_budget: int, max_batch: int | None = None) -> list[list[int]]:
    """Group indices longest-first so each batch's padded size (count x longest) stays within the budget.

    Sorting by length keeps padding small; budgeting by tokens (not by count) keeps memory flat whether the
    inputs are 1,024-token articles or 20-token sentences.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        fits = (len(current) + 1) * max(longest, 1) <= token_budget
        if current and (not fits or (max_batch is not None and len(current) >= max_batch)):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class Seq2SeqEngine:
    """Loads one registry entry and generates for lists of texts in length-sorted, token-budgeted batches."""

    def __init__(self, spec: ModelSpec, device: str = "auto", token_budget: int | None = None,
                 max_batch: int | None = None, *, force_conversion: bool = False) -> None:
        if spec.backend not in BACKENDS:
            raise ConfigError(f"{spec.name}: backend {spec.backend} is not a seq2seq backend")
        self.spec = spec
        self.device = resolve_device(device, spec.backend)
        path = locate_model(spec)
        try:
            self.backend, self.tokenizer = BACKENDS[spec.backend](spec, path, self.device, force_conversion)
            if spec.src_lang:
                self.tokenizer.src_lang = spec.src_lang
        except ConfigError:
            raise
        except (OSError, ValueError, KeyError) as exc:  # unreadable or inconsistent model files
            raise unavailable(spec, f"could not be loaded from {path} ({' '.join(str(exc).split())[:200]})") from None
        self.revision = snapshot_commit(path) or spec.revision
        self.token_budget = token_budget or self.backend.token_budget
        self.max_batch = max_batch

    def identity(self) -> dict[str, Any]:
        """Name, backend, model, resolved revision (the snapshot's commit from the hub cache), compute type."""
        return {**self.spec.identity(), "revision": self.revision, "compute_type": self.backend.compute_type}

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return encode_inputs(self.spec, self.tokenizer, texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts of the raw texts (no prefix, no truncation), for chunking long inputs."""
        return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    def generate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[str]:
        """Outputs in input order; `progress(n)` is told after each batch how many inputs it finished."""
        ids = self.encode(texts)
        outputs: list[str] = [""] * len(ids)
        for batch in plan_batches([len(i) for i in ids], self.token_budget, self.max_batch):
            generated = self.backend.generate_ids([ids[i] for i in batch])
            decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, decoded, strict=True):
                outputs[index] = postprocess(self.spec, text)
            if progress:
                progress(len(batch))
        return outputs

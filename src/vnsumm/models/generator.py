"""One batched seq2seq generator for summarization and translation, over either backend.

Prompts are built and outputs post-processed here and only here (`build_input`, `postprocess`), from the registry
entry, so both backends and both roles follow the model cards the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from vnsumm.backends import Seq2SeqSpec
from vnsumm.errors import ConfigError
from vnsumm.models.weights import locate_model, snapshot_commit, unavailable
from vnsumm.options import Device
from vnsumm.records import ModelIdentity

if TYPE_CHECKING:
    from vnsumm.runtime import Runtime

class TokenGenerator(Protocol):
    """What a backend's generator does: input token ids in, generated token ids out (no decoder start, no padding)."""

    token_budget: int  # padded input tokens per batch suited to this backend and device (lowered after running out)
    compute_type: str  # the numeric format it runs in (int8, bfloat16, float32, ...)

    def generate_ids(self, batch: list[list[int]]) -> list[list[int]]: ...


def build_input(spec: Seq2SeqSpec, text: str) -> str:
    """The model's input convention: the registry prefix, no hand-made `</s>` (the tokenizer adds the end token)."""
    return f"{spec.prefix}{text.strip()}"


def postprocess(spec: Seq2SeqSpec, output: str) -> str:
    """Strip the output-side prefix a model emits (EnViT5 answers `en: ...`)."""
    output = output.strip()
    if spec.strip_prefix and output.startswith(spec.strip_prefix.strip()):
        output = output[len(spec.strip_prefix.strip()):]
    return output.strip()


def encode_inputs(spec: Seq2SeqSpec, tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
    """Token ids the model is fed: prefix, text truncated to the window, the tokenizer's single end token."""
    encoded = tokenizer([build_input(spec, t) for t in texts], truncation=True, max_length=spec.max_input_tokens)
    return list(encoded["input_ids"])


def resolve_device(spec: Seq2SeqSpec, device: str = "auto") -> str:
    """auto -> cuda, else mps, else cpu, as the entry's backend sees them."""
    if device not in {d.value for d in Device}:
        raise ConfigError(f"device {device!r} is not one of {', '.join(d.value for d in Device)}")
    cuda, mps = spec.visible_devices()
    if device == "auto":
        return "cuda" if cuda else ("mps" if mps else "cpu")
    if device == "cuda" and not cuda:
        raise ConfigError(f"device cuda was asked for, but {spec.backend} sees no CUDA GPU")
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


class Seq2SeqGenerator:
    """Loads one registry entry and generates for lists of texts in length-sorted, token-budgeted batches."""

    def __init__(self, spec: Seq2SeqSpec, runtime: Runtime) -> None:
        self.spec = spec
        self.device = resolve_device(spec, runtime.device)
        path = locate_model(spec)
        try:
            self.generator, self.tokenizer = spec.load_generator(path, self.device)
            if spec.src_lang:
                self.tokenizer.src_lang = spec.src_lang
        except ConfigError:
            raise
        except (OSError, ValueError, KeyError) as exc:  # unreadable or inconsistent model files
            raise unavailable(spec, f"could not be loaded from {path} ({' '.join(str(exc).split())[:200]})") from None
        self.revision = snapshot_commit(path) or spec.revision
        if runtime.batch_tokens:
            self.generator.token_budget = runtime.batch_tokens
        self.max_batch = runtime.batch_size

    @property
    def token_budget(self) -> int:
        """--batch-tokens, else the backend's own budget; the backend lowers it when a batch ran out of GPU memory."""
        return self.generator.token_budget

    def identity(self) -> ModelIdentity:
        """Name, backend, model, resolved revision (the snapshot's commit from the hub cache), compute type."""
        return ModelIdentity(self.spec.name, self.spec.backend, self.spec.model, self.revision,
                             self.generator.compute_type)

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
            generated = self.generator.generate_ids([ids[i] for i in batch])
            decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, decoded, strict=True):
                outputs[index] = postprocess(self.spec, text)
            if progress:
                progress(len(batch))
        return outputs

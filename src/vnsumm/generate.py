"""One batched seq2seq engine for summarization and translation, on transformers or CTranslate2.

Prompts are built and outputs post-processed here and only here (`build_input`, `postprocess`), from the
registry entry, so both backends and both roles follow the model cards the same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from vnsumm.config import ConfigError, ModelSpec

WEIGHT_PATTERNS = ["*.json", "*.model", "*.spm", "*.txt", "sentencepiece*", "*.safetensors"]
CT2_OPTIONS = {  # generate setting -> CTranslate2 translate_batch option
    "num_beams": "beam_size",
    "max_new_tokens": "max_decoding_length",
    "min_new_tokens": "min_decoding_length",
    "no_repeat_ngram_size": "no_repeat_ngram_size",
    "length_penalty": "length_penalty",
    "repetition_penalty": "repetition_penalty",
}
IGNORED_BY_CT2 = {"early_stopping", "do_sample"}


def _quiet_transformers() -> None:
    """Per-load progress bars and advice from transformers are noise in a batch tool's output."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


class ModelUnavailable(ConfigError):
    """The weights are not on this machine and cannot be downloaded."""


def build_input(spec: ModelSpec, text: str) -> str:
    """The model's input convention: the registry prefix, no hand-made `</s>` (the tokenizer adds the end token)."""
    return f"{spec.prefix}{text.strip()}"


def postprocess(spec: ModelSpec, output: str) -> str:
    """Strip the output-side prefix a model emits (EnViT5 answers `en: ...`)."""
    output = output.strip()
    if spec.strip_prefix and output.startswith(spec.strip_prefix.strip()):
        output = output[len(spec.strip_prefix.strip()):]
    return output.strip()


def resolve_device(device: str = "auto", backend: str = "transformers") -> str:
    """auto -> cuda, else mps, else cpu, as the backend sees them (CTranslate2 runs without importing torch)."""
    if device not in ("auto", "cpu", "cuda", "mps"):
        raise ConfigError(f"device {device!r} is not one of auto, cpu, cuda, mps")
    if backend == "ctranslate2":
        import ctranslate2

        cuda = ctranslate2.get_cuda_device_count() > 0
        mps = False
    else:
        import torch

        cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if device == "auto":
        return "cuda" if cuda else ("mps" if mps else "cpu")
    if device == "cuda" and not cuda:
        raise ConfigError(f"device cuda was asked for, but {backend} sees no CUDA GPU")
    return device


def load_tokenizer(path: Path) -> Any:
    """The tokenizer class the folder names, imported alone: AutoTokenizer would import torch (seconds of start-up
    that the CTranslate2 backend does not need)."""
    import transformers

    _quiet_transformers()
    config = path / "tokenizer_config.json"
    name = json.loads(config.read_text(encoding="utf-8")).get("tokenizer_class") if config.is_file() else None
    tokenizer_class = getattr(transformers, name, None) if isinstance(name, str) else None
    return (tokenizer_class or transformers.AutoTokenizer).from_pretrained(path)


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


def _snapshot_commit(path: Path) -> str | None:
    """The commit hash when `path` is a Hugging Face cache snapshot (…/snapshots/<commit>)."""
    return path.name if path.parent.name == "snapshots" and re.fullmatch(r"[0-9a-f]{40}", path.name) else None


def _unavailable(spec: ModelSpec, why: str) -> ModelUnavailable:
    return ModelUnavailable(
        f"model {spec.name} ({spec.model}) is not available: {why}. Run `vnsumm models pull {spec.name}` on a "
        "connected machine (it fills the Hugging Face cache), or set `model:` in models.yaml to a local folder"
    )


def locate_model(spec: ModelSpec, *, download: bool = True) -> Path:
    """A local folder holding the entry's files: the folder itself, or its snapshot in the Hugging Face cache.

    A cached snapshot is used without touching the network (fast, reproducible starts); otherwise, unless
    HF_HUB_OFFLINE is set, the files are downloaded (safetensors only where the repo has them).
    """
    assert spec.model is not None
    local = Path(spec.model).expanduser()
    if local.is_dir():
        return local
    if spec.model.startswith(("/", ".", "~")):
        raise _unavailable(spec, f"folder {spec.model} does not exist")
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError
    from huggingface_hub.utils import logging as hf_logging

    try:
        return Path(snapshot_download(spec.model, revision=spec.revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, HFValidationError):
        pass
    if not download or os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on"):
        raise _unavailable(spec, "its weights are not in the Hugging Face cache and offline mode is on")
    if not _hub_reachable():
        raise _unavailable(spec, "its weights are not in the Hugging Face cache and the hub cannot be reached")
    hf_logging.set_verbosity_error()  # retries are reported once, as our error, not line by line
    try:
        files = HfApi().list_repo_files(spec.model, revision=spec.revision)
        patterns = WEIGHT_PATTERNS + ([] if any(f.endswith(".safetensors") for f in files) else ["*.bin"])
        return Path(snapshot_download(spec.model, revision=spec.revision, allow_patterns=patterns))
    except Exception as exc:  # the hub client raises its HTTP library's own errors: all mean "not available"
        reason = " ".join(str(exc).split())[:120]
        raise _unavailable(spec, f"download failed ({type(exc).__name__}: {reason})") from None


def _hub_reachable(timeout: float = 5.0) -> bool:
    """One quick TCP connect to the hub, so an offline machine fails at once instead of after minutes of retries."""
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True  # behind a proxy a direct connect proves nothing: let the hub client try
    endpoint = urlparse(constants.ENDPOINT)
    try:
        with socket.create_connection((endpoint.hostname or "", endpoint.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def _reuse_freed_memory() -> None:
    """Keep freed memory in one glibc heap for the next batch instead of unmapping it.

    By default each large activation buffer is a fresh mmap, zero-filled page by page on first touch: 6 million page
    faults and 19 s of kernel time in a 58 s run of 16 articles on ViT5-base in bf16 on 2 cores (45 s with this),
    and 15% of a CTranslate2 run. One arena, so worker threads share the kept memory instead of each growing its
    own. Must run before the backend starts its threads.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 1)  # M_ARENA_MAX
        libc.mallopt(-4, 0)  # M_MMAP_MAX: no mmap for large blocks (glibc still falls back to it if the heap is full)
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: never give the heap's top back mid-run


def model_dtype(device: str, dtype: str = "auto") -> Any:
    """auto: bf16 on CUDA (fp16 where unsupported) and on CPUs with native bf16 arithmetic (AVX512-BF16 or AMX),
    where ViT5-base runs 1.4x faster than in fp32 (T5 models were trained in bf16). fp32 elsewhere."""
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "cpu" and _cpu_has_native_bf16():
        return torch.bfloat16
    return torch.float32


def _cpu_has_native_bf16() -> bool:
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # private in torch.cpu: absent means "no"
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


SAFETENSORS_DTYPE_CODES = {"float32": "F32", "bfloat16": "BF16", "float16": "F16"}


def load_seq2seq_model(path: Path, dtype: Any) -> Any:
    """`from_pretrained`, but a checkpoint that must be cast (fp32 file, bf16 model) is read tensor by tensor with
    pread: a memory-mapped fp32 file stays resident beside its cast copy (ViT5-base in bf16: 1.68 GB peak RSS with
    mmap, 0.98 GB with pread)."""
    from safetensors import safe_open
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, GenerationConfig
    from transformers.models.auto.modeling_auto import MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING

    _quiet_transformers()
    target = SAFETENSORS_DTYPE_CODES[str(dtype).removeprefix("torch.")]
    with contextlib.ExitStack() as files:
        handles = [files.enter_context(safe_open(f, framework="pt", device="cpu", backend="pread"))
                   for f in sorted(path.glob("model*.safetensors"))]
        tensors = {name: h.get_slice(name) for h in handles for name in h.keys()}  # noqa: SIM118 (not a dict); lazy
        if all(t.get_dtype() == target for t in tensors.values()):  # also: no safetensors (a .bin checkpoint)
            return AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype)
        config = AutoConfig.from_pretrained(path)
        generation = GenerationConfig.from_pretrained(path) if (path / "generation_config.json").is_file() else None
        model_class = MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING[type(config)]
        return model_class.from_pretrained(None, config=config, state_dict=tensors, dtype=dtype,
                                           generation_config=generation)


class _Batchable(Protocol):
    """What a backend does: input token ids in, generated token ids out (no decoder start, no padding)."""

    token_budget: int  # padded input tokens per batch suited to this backend and device

    def generate_ids(self, batch: list[list[int]]) -> list[list[int]]: ...


class TransformersBackend:
    def __init__(self, spec: ModelSpec, path: Path, tokenizer: Any, device: str) -> None:
        import torch

        self.tokenizer, self.device = tokenizer, device
        dtype = model_dtype(device, spec.dtype)
        self.model = load_seq2seq_model(path, dtype).to(device).eval()
        # CPU, ViT5-base, 16 articles: fp32 in 4 x 1,024-token batches, 51 s at 1.81 GB peak (3 x 1,024: 70 s at
        # 1.68 GB); bf16 activations are half the size and 8 x 1,024 run 10% faster than 4 (1.4 GB peak).
        self.token_budget = 65_536 if device == "cuda" else (4_096 if dtype == torch.float32 else 8_192)
        if device == "cpu":
            torch.set_num_threads(_threads())
        self.settings = dict(spec.generate)
        if spec.tgt_lang:  # mBART: the decoder starts with the target language code
            self.settings["decoder_start_token_id"] = tokenizer.convert_tokens_to_ids(spec.tgt_lang)
        self._torch = torch

    def generate_ids(self, batch: list[list[int]]) -> list[list[int]]:
        torch = self._torch
        pad = self.tokenizer.pad_token_id
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=attention.to(self.device), **self.settings
            )
        generated = []
        for row in output[:, 1:].tolist():  # position 0 is the decoder start token
            while row and row[-1] == pad:
                row.pop()
            generated.append(row)
        return generated


def ct2_options(spec: ModelSpec) -> dict[str, Any]:
    """The entry's `generate` settings as CTranslate2 options, so both backends produce the same lengths."""
    options: dict[str, Any] = {}
    for key, value in spec.generate.items():
        if key in IGNORED_BY_CT2:
            continue
        if key not in CT2_OPTIONS:
            raise ConfigError(
                f"{spec.name}: generate setting {key!r} has no CTranslate2 equivalent "
                f"(supported: {', '.join(sorted(CT2_OPTIONS))})"
            )
        options[CT2_OPTIONS[key]] = value
    return options


def _fingerprint(path: Path) -> str:
    """Identifies a local folder's weights (name, size, mtime), for caching a conversion of it."""
    stats = sorted((p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in path.iterdir() if p.is_file())
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:12]


def ct2_cache_dir() -> Path:
    root = os.environ.get("VNSUMM_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "vnsumm"
    return Path(root) / "ct2"


def convert_to_ct2(spec: ModelSpec, path: Path, quantization: str) -> Path:
    """Convert a transformers checkpoint once, cached by (model, revision, quantization)."""
    import ctranslate2

    revision = _snapshot_commit(path) or _fingerprint(path)
    slug = re.sub(r"[^\w.-]+", "--", str(spec.model)).strip("-")[-80:]
    target = ct2_cache_dir() / f"{slug}--{revision}--{quantization}"
    if (target / "model.bin").exists():
        return target
    staging = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    _quiet_transformers()
    ctranslate2.converters.TransformersConverter(str(path)).convert(str(staging), quantization=quantization)
    try:
        staging.rename(target)  # atomic: a half-written conversion is never picked up
    except OSError:  # another process finished the same conversion first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def ct2_compute_type(spec: ModelSpec, device: str) -> str:
    return spec.quantization or ("int8_float16" if device == "cuda" else "int8")


class SavedTokenizer:
    """The Rust tokenizer that transformers runs, saved beside a CTranslate2 conversion and loaded with `tokenizers`
    alone: the CTranslate2 path then starts without importing transformers (1.3 s of each run). It answers the calls
    the engine makes, the way transformers' fast tokenizer does (ids, truncation, special tokens, decoding)."""

    FILE, SETTINGS = "tokenizer.json", "vnsumm-tokenizer.json"

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / self.FILE))
        self.pad_token_id: int = json.loads((folder / self.SETTINGS).read_text(encoding="utf-8"))["pad_token_id"]

    @classmethod
    def save(cls, tokenizer: Any, folder: Path) -> None:
        """Save a transformers tokenizer's Rust core when it is all there is to it (a fast tokenizer that does
        not clean up spaces when decoding); otherwise save nothing."""
        if getattr(tokenizer, "backend_tokenizer", None) is None or tokenizer.clean_up_tokenization_spaces:
            return
        staging = folder / f"{cls.FILE}.tmp{os.getpid()}"
        tokenizer.backend_tokenizer.save(str(staging))
        (folder / cls.SETTINGS).write_text(json.dumps({"pad_token_id": tokenizer.pad_token_id}), encoding="utf-8")
        staging.replace(folder / cls.FILE)  # last: its presence means both files are whole

    def __call__(self, texts: list[str], truncation: bool = False, max_length: int | None = None,
                 add_special_tokens: bool = True) -> dict[str, list[list[int]]]:
        if truncation and max_length:
            self._tokenizer.enable_truncation(max_length)
        else:
            self._tokenizer.no_truncation()
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings]}

    def batch_decode(self, ids: list[list[int]], skip_special_tokens: bool = False) -> list[str]:
        return self._tokenizer.decode_batch(ids, skip_special_tokens=skip_special_tokens)

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._tokenizer.id_to_token(i) for i in ids]

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        return [self._tokenizer.token_to_id(t) for t in tokens]


def load_ct2_tokenizer(spec: ModelSpec, path: Path, converted: Path) -> Any:
    """The tokenizer saved with the conversion; else transformers', saved there for the next run where it can be."""
    if spec.src_lang is None and (converted / SavedTokenizer.FILE).is_file():
        return SavedTokenizer(converted)
    tokenizer = load_tokenizer(path)
    if spec.src_lang is None:  # a source-language setting changes the tokenizer: keep using transformers for it
        with contextlib.suppress(OSError):  # a read-only shared cache: this run is fine, only slower to start
            SavedTokenizer.save(tokenizer, converted)
    return tokenizer


class CTranslate2Backend:
    """Runs a converted model (`convert_to_ct2`); its tokenizer gives and takes token strings."""

    def __init__(self, spec: ModelSpec, converted: Path, tokenizer: Any, device: str) -> None:
        import ctranslate2

        self.tokenizer = tokenizer
        cores = _threads()
        # On CPU, several single- or few-threaded workers decoding separate sub-batches beat one wide worker
        # (measured on 2 cores: 1.22 s against 1.54 s per 1,024-token article). Weights are shared between them.
        inter, intra = (cores, 1) if cores <= 4 else (cores // 4, 4)
        if device == "cuda":
            inter, intra = 1, 0
        self.translator = ctranslate2.Translator(
            str(converted), device=device, compute_type=ct2_compute_type(spec, device), inter_threads=inter,
            intra_threads=intra,
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


def _threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Seq2SeqEngine:
    """Loads one registry entry and generates for lists of texts in length-sorted, token-budgeted batches."""

    def __init__(self, spec: ModelSpec, device: str = "auto", token_budget: int | None = None,
                 max_batch: int | None = None) -> None:
        self.spec = spec
        self.device = resolve_device(device, spec.backend)
        if self.device == "mps" and spec.backend == "ctranslate2":
            raise ConfigError(f"{spec.name}: CTranslate2 runs on cpu or cuda, not mps")
        path = locate_model(spec)
        if self.device == "cpu":
            _reuse_freed_memory()
        try:
            self.backend: _Batchable
            if spec.backend == "ctranslate2":
                converted = convert_to_ct2(spec, path, ct2_compute_type(spec, self.device))
                self.tokenizer = load_ct2_tokenizer(spec, path, converted)
                self.backend = CTranslate2Backend(spec, converted, self.tokenizer, self.device)
            else:
                self.tokenizer = load_tokenizer(path)
                self.backend = TransformersBackend(spec, path, self.tokenizer, self.device)
            if spec.src_lang:
                self.tokenizer.src_lang = spec.src_lang
        except (OSError, ValueError) as exc:
            if isinstance(exc, ConfigError):
                raise
            raise _unavailable(spec, f"loading {path} failed ({' '.join(str(exc).split())[:200]})") from None
        self.revision = _snapshot_commit(path) or spec.revision
        self.token_budget = token_budget or self.backend.token_budget
        self.max_batch = max_batch

    def identity(self) -> dict[str, Any]:
        """Name, model, resolved revision (the snapshot's commit when loaded from the hub cache), backend."""
        return {**self.spec.identity(), "revision": self.revision}

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        encoded = self.tokenizer(
            [build_input(self.spec, t) for t in texts], truncation=True, max_length=self.spec.max_input_tokens
        )
        return list(encoded["input_ids"])

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts of the raw texts (no prefix, no truncation), for chunking long inputs."""
        return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    def generate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[str]:
        """Outputs in input order; `progress(n)` is told after each batch how many inputs it finished."""
        ids = self.encode(texts)
        outputs: list[str] = [""] * len(ids)
        for batch in plan_batches([len(i) for i in ids], self.token_budget, self.max_batch):
            generated = self.backend.generate_ids([ids[i] for i in batch])
            texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, texts, strict=True):
                outputs[index] = postprocess(self.spec, text)
            if progress:
                progress(len(batch))
        return outputs

"""The transformers token generator: `generate` on a PyTorch model, in bf16 where the hardware runs it natively."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from vnsumm.backends.transformers import TransformersSpec
from vnsumm.errors import ConfigError
from vnsumm.models.weights import T5_FAMILY, model_type

SAFETENSORS_DTYPE_CODES = {"float32": "F32", "bfloat16": "BF16", "float16": "F16"}


def cpu_has_native_bf16() -> bool:
    """AVX512-BF16 or AMX: torch.cpu's own checks where this torch has them, else the CPU flags Linux reports (the
    torch checks are private, so a rename must not silently turn bf16 off)."""
    import torch

    checks = [getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    if all(callable(check) for check in checks):
        return any(check() for check in checks if callable(check))
    return cpu_flags() >= {"avx512_bf16"} or "amx_bf16" in cpu_flags()


def cpu_flags() -> set[str]:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


CUDA_TOKENS_PER_GIB = 4_096  # padded input tokens per batch per GiB of GPU memory (README, "Speed")


def cuda_token_budget(torch: Any) -> int:
    """The batch budget on the current CUDA GPU: a 16 GiB card takes 64 articles of 1,024 tokens at once."""
    memory = torch.cuda.get_device_properties(torch.cuda.current_device()).total_memory
    return max(8_192, CUDA_TOKENS_PER_GIB * (memory // 2**30))


def model_dtype(device: str, dtype: str = "auto", family: str | None = None) -> Any:
    """auto: bf16 on CUDA and on CPUs with native bf16 arithmetic (AVX512-BF16 or AMX), where ViT5-base runs 1.4x
    faster than in fp32; fp16 on CUDA without bf16, except for T5 models (trained in bf16, they overflow in fp16:
    fp32 instead). fp32 elsewhere."""
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if device == "cuda":
        if torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32 if family in T5_FAMILY else torch.float16
    if device == "cpu" and cpu_has_native_bf16():
        return torch.bfloat16
    return torch.float32


def load_seq2seq_model(path: Path, dtype: Any) -> Any:
    """`from_pretrained`, but a checkpoint that must be cast (fp32 file, bf16 model) is read tensor by tensor with
    pread: a memory-mapped fp32 file stays resident beside its cast copy (README, "Speed", has the figures)."""
    from safetensors import safe_open
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, GenerationConfig
    from transformers.models.auto.modeling_auto import MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING

    target = SAFETENSORS_DTYPE_CODES[str(dtype).removeprefix("torch.")]
    with contextlib.ExitStack() as files:
        handles = [files.enter_context(safe_open(f, framework="pt", device="cpu", backend="pread"))
                   for f in sorted(path.glob("model*.safetensors"))]
        tensors = {name: h.get_slice(name) for h in handles for name in h.keys()}  # noqa: SIM118 (not a dict); lazy
        if all(t.get_dtype() == target for t in tensors.values()):  # also: no safetensors (a .bin checkpoint)
            return AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype)
        config = AutoConfig.from_pretrained(path)
        generation = GenerationConfig.from_pretrained(path) if (path / "generation_config.json").is_file() else None
        model_class: Any = MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING[type(config)]
        return model_class.from_pretrained(None, config=config, state_dict=tensors, dtype=dtype,
                                           generation_config=generation)


class TransformersGenerator:
    def __init__(self, spec: TransformersSpec, path: Path, tokenizer: Any, device: str) -> None:
        import torch

        family = model_type(path)
        if spec.dtype == "float16" and family in T5_FAMILY:
            raise ConfigError(f"{spec.name}: dtype float16 is not safe for {family} models (they overflow to NaN in "
                              "fp16); use bfloat16 or float32")
        self.tokenizer, self.device = tokenizer, device
        dtype = model_dtype(device, spec.dtype, family)
        self.compute_type = str(dtype).removeprefix("torch.")
        self.model = load_seq2seq_model(path, dtype).to(device).eval()
        # On CPU four 1,024-token articles a batch in fp32; bf16 activations are half the size, so twice as many
        # (`vnsumm bench` measures both). On CUDA, by the GPU's memory.
        self.token_budget = cuda_token_budget(torch) if device == "cuda" else \
            (4_096 if dtype == torch.float32 else 8_192)
        self.settings = dict(spec.generate)
        if spec.tgt_lang:  # mBART: the decoder starts with the target language code
            self.settings["decoder_start_token_id"] = tokenizer.convert_tokens_to_ids(spec.tgt_lang)
        self._torch = torch

    def generate_ids(self, batch: list[list[int]]) -> list[list[int]]:
        """Each input's generated ids; a batch that runs out of GPU memory is done in halves, and later batches are
        planned at half the budget."""
        try:
            return self._generate_ids(batch)
        except self._torch.cuda.OutOfMemoryError:
            if len(batch) == 1:
                raise
        self._torch.cuda.empty_cache()
        self.token_budget = max(self.token_budget // 2, max(len(ids) for ids in batch))
        half = len(batch) // 2
        return self.generate_ids(batch[:half]) + self.generate_ids(batch[half:])

    def _generate_ids(self, batch: list[list[int]]) -> list[list[int]]:
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

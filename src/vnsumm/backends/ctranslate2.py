"""The CTranslate2 backend: a converted model (see models/convert.py), int8 on CPU, bf16-based on CUDA for T5."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from vnsumm.backends.seq2seq import Seq2SeqSpec
from vnsumm.errors import ConfigError

if TYPE_CHECKING:
    from vnsumm.models.generator import TokenGenerator

# CTranslate2 compute types (ctranslate2.get_supported_compute_types lists what a device supports).
Quantization = Literal["int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32", "float16",
                       "bfloat16"]


class CTranslate2Spec(Seq2SeqSpec):
    backend: Literal["ctranslate2"]
    quantization: Quantization | None = Field(None, description="default by device and model")

    def visible_devices(self) -> tuple[bool, bool]:
        import ctranslate2  # without importing torch: a CT2 run starts without it

        return ctranslate2.get_cuda_device_count() > 0, False

    def load_generator(self, path: Path, device: str) -> tuple[TokenGenerator, Any]:
        from vnsumm.models.convert import convert_to_ct2
        from vnsumm.models.ctranslate2_generator import CTranslate2Generator, ct2_compute_type
        from vnsumm.models.tokenizer import load_ct2_tokenizer
        from vnsumm.models.weights import model_type

        if device == "mps":
            raise ConfigError(f"{self.name}: CTranslate2 runs on cpu or cuda, not mps")
        compute_type = ct2_compute_type(self, device, model_type(path))
        # Converted at int8 on CPU; on CUDA the weights are converted at the compute type's storage format.
        converted = convert_to_ct2(self, path, compute_type)
        tokenizer = load_ct2_tokenizer(self, path, converted)
        return CTranslate2Generator(self, converted, tokenizer, device, compute_type), tokenizer

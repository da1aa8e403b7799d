"""The transformers backend: `generate` on a PyTorch model (see models/transformers_generator.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from vnsumm.backends.seq2seq import Seq2SeqSpec

if TYPE_CHECKING:
    from vnsumm.models.generator import TokenGenerator


class TransformersSpec(Seq2SeqSpec):
    backend: Literal["transformers"]
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field("auto", description="weights' numeric format")

    def load_generator(self, path: Path, device: str) -> tuple[TokenGenerator, Any]:
        from vnsumm.models.tokenizer import load_tokenizer
        from vnsumm.models.transformers_generator import TransformersGenerator

        tokenizer = load_tokenizer(path)
        return TransformersGenerator(self, path, tokenizer, device), tokenizer

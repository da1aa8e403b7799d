"""What the seq2seq backends (transformers, CTranslate2) share: the model's files and its input and output
conventions, generation settings, and loading a summarizer or translator over the batched generator."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from vnsumm.backends.base import ModelSpecBase, Role
from vnsumm.records import ModelIdentity

if TYPE_CHECKING:
    from typing_extensions import Self

    from vnsumm.models.generator import TokenGenerator
    from vnsumm.models.seq2seq import Translator
    from vnsumm.models.summarizer import Summarizer
    from vnsumm.options import Length
    from vnsumm.runtime import Runtime


class GenerateSettings(BaseModel):
    """Generation settings both seq2seq backends understand (CTranslate2 names in `ct2_options`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    num_beams: int = Field(1, ge=1, le=64)
    max_new_tokens: int | None = Field(None, ge=1, le=4096)
    min_new_tokens: int | None = Field(None, ge=0, le=4096)
    no_repeat_ngram_size: int | None = Field(None, ge=0, le=64)
    length_penalty: float | None = None
    repetition_penalty: float | None = Field(None, gt=0)
    early_stopping: bool | None = None  # beam search stops when every beam has ended (CTranslate2 always does)


# --length for seq2seq models: generation limits (a minimum pushes a model tuned on one-sentence abstracts to say
# more).
GENERATE_LENGTHS: dict[str, dict[str, int]] = {
    "short": {"max_new_tokens": 64},
    "medium": {"min_new_tokens": 48, "max_new_tokens": 160},
    "long": {"min_new_tokens": 96, "max_new_tokens": 256},
}


class Seq2SeqSpec(ModelSpecBase):
    roles: ClassVar[tuple[Role, ...]] = ("summarizer", "translator")
    nested: ClassVar[dict[str, type[BaseModel]]] = {"generate": GenerateSettings}

    model: StrictStr = Field(description="hub id, or a local folder (relative to the registry file)")
    revision: StrictStr | None = Field(None, description="branch, tag or commit of a hub model")
    prefix: StrictStr = Field("", description="prepended to every input (the model's task prefix)")
    strip_prefix: StrictStr = Field("", description="removed from the start of every output")
    max_input_tokens: int = Field(1024, ge=8, le=65536)
    long_input: Literal["truncate", "chunk"] = "truncate"
    src_lang: StrictStr | None = Field(None, description="mBART source language code (tokenizer)")
    tgt_lang: StrictStr | None = Field(None, description="mBART target language code (decoder start)")
    generate: dict[str, Any] = Field(default_factory=dict, description="GenerateSettings")

    @field_validator("generate")
    @classmethod
    def _generate(cls, value: dict[str, Any]) -> dict[str, Any]:
        return GenerateSettings(**value).model_dump(exclude_unset=True)

    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.name, self.backend, self.model, self.revision)

    @property
    def is_local(self) -> bool:
        return self.model.startswith(("/", ".", "~"))

    def locate(self, *, download: bool = True) -> Path:
        from vnsumm.models.weights import locate_model

        return locate_model(self, download=download)

    def resolved(self, folder: Path) -> Self:
        if not self.is_local:
            return self
        return self.model_copy(update={"model": str((folder / Path(self.model).expanduser()).resolve())})

    def with_length(self, length: Length | None) -> Self:
        if length is None:
            return self
        return self.model_copy(update={"generate": {**self.generate, **GENERATE_LENGTHS[length.value]}})

    def visible_devices(self) -> tuple[bool, bool]:
        """Whether this backend sees a CUDA GPU and an Apple GPU."""
        import torch

        return torch.cuda.is_available(), torch.backends.mps.is_available()

    def runs_on_cuda(self, device: str) -> bool:
        return device == "cuda" or (device == "auto" and self.visible_devices()[0])

    def load_generator(self, path: Path, device: str) -> tuple[TokenGenerator, Any]:
        """The backend's token generator over the model in `path`, and its tokenizer."""
        raise NotImplementedError

    def load_summarizer(self, runtime: Runtime) -> Summarizer:
        from vnsumm.models.generator import Seq2SeqGenerator
        from vnsumm.models.seq2seq import Seq2SeqSummarizer

        return Seq2SeqSummarizer(Seq2SeqGenerator(self, runtime))

    def load_translator(self, runtime: Runtime) -> Translator:
        from vnsumm.models.generator import Seq2SeqGenerator
        from vnsumm.models.seq2seq import Translator

        return Translator(Seq2SeqGenerator(self, runtime))

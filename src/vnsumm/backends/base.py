"""What every registry entry is: a pydantic spec of its backend's own keys, which also knows how to load the
summarizer or translator it describes. Each backend is one module declaring one spec class (see `backends`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, StrictStr

from vnsumm.errors import ConfigError
from vnsumm.records import ModelIdentity

if TYPE_CHECKING:
    from typing_extensions import Self

    from vnsumm.models.seq2seq import Translator
    from vnsumm.models.summarizer import Summarizer
    from vnsumm.options import Length
    from vnsumm.runtime import Runtime

Role = Literal["summarizer", "translator"]

# The keys of the flat entry every earlier version hashed into a record's `settings`: an entry hashes the same
# as before, so a store written by an earlier version is reused (see `ModelSpecBase.shaping`).
_EARLIER_DEFAULTS: dict[str, Any] = {
    "model": None, "revision": None, "prefix": "", "strip_prefix": "", "max_input_tokens": 1024,
    "long_input": "truncate", "src_lang": None, "tgt_lang": None, "generate": {}, "params": {}, "quantization": None,
    "dtype": "auto",
}


class ModelSpecBase(BaseModel):
    """One registry entry. `name` comes from the entry's key; `backend` (a Literal in each subclass) picks the
    class when the registry is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: ClassVar[tuple[Role, ...]] = ("summarizer",)
    needs_weights: ClassVar[bool] = True  # False: ships with vnsumm (no download, nothing to locate)
    copies_source: ClassVar[bool] = False  # True: outputs are sentences of the input (nothing to fact-check)
    nested: ClassVar[dict[str, type[BaseModel]]] = {}  # keys holding settings of their own, for error messages

    name: StrictStr
    backend: str
    licence: StrictStr | None = None
    source: StrictStr | None = None  # where the conventions come from

    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.name, self.backend)

    def shaping(self) -> dict[str, Any]:
        """The settings that shape outputs (not the licence or the source note), for the resume key."""
        return {**_EARLIER_DEFAULTS, **self.model_dump(exclude={"licence", "source"})}

    def runs_on_cuda(self, device: str) -> bool:
        """Whether the entry's model runs on a CUDA GPU for `--device device` (auto: when one is there)."""
        return False

    def locate(self, *, download: bool = True) -> Any:
        """The folder holding the entry's weights (found, or downloaded unless offline); None when it needs none."""
        return None

    def resolved(self, folder: Any) -> Self:
        """The entry with paths made absolute against the registry's folder (nothing to do by default)."""
        return self

    def with_length(self, length: Length | None) -> Self:
        """The entry with the summary length a user asked for; None keeps the registry's own settings."""
        return self

    def load_summarizer(self, runtime: Runtime) -> Summarizer:
        raise ConfigError(f"{self.name}: backend {self.backend} cannot summarize")

    def load_translator(self, runtime: Runtime) -> Translator:
        raise ConfigError(f"{self.name}: backend {self.backend} cannot translate")

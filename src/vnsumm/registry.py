"""The model registry (`models.yaml`): named summarizers and translators, one schema for every key.

The schema is declared once, here, as pydantic models: types, ranges, allowed values, unknown keys refused at every
level (the extractive summarizer's `params` included), and each backend allowed only in the roles it can serve.
Every problem is one `ConfigError` line naming the file, the entry and the key.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator, model_validator

from vnsumm.errors import ConfigError
from vnsumm.extractive import ExtractiveParams

Role = Literal["summarizer", "translator"]
Backend = Literal["transformers", "ctranslate2", "extractive"]
BACKEND_ROLES: dict[str, tuple[Role, ...]] = {
    "transformers": ("summarizer", "translator"),
    "ctranslate2": ("summarizer", "translator"),
    "extractive": ("summarizer",),  # it selects Vietnamese sentences: it cannot translate
}
# CTranslate2 compute types (ctranslate2.get_supported_compute_types lists what a device supports).
Quantization = Literal["int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32", "float16",
                       "bfloat16"]
DType = Literal["auto", "float32", "bfloat16", "float16"]


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


class ModelSpec(BaseModel):
    """One registry entry. `name` comes from the entry's key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr
    backend: Backend
    model: StrictStr | None = Field(None, description="hub id, or a local folder (relative to the registry file)")
    revision: StrictStr | None = Field(None, description="branch, tag or commit of a hub model")
    prefix: StrictStr = Field("", description="prepended to every input (the model's task prefix)")
    strip_prefix: StrictStr = Field("", description="removed from the start of every output")
    max_input_tokens: int = Field(1024, ge=8, le=65536)
    long_input: Literal["truncate", "chunk"] = "truncate"
    src_lang: StrictStr | None = Field(None, description="mBART source language code (tokenizer)")
    tgt_lang: StrictStr | None = Field(None, description="mBART target language code (decoder start)")
    generate: dict[str, Any] = Field(default_factory=dict, description="GenerateSettings")
    params: dict[str, Any] = Field(default_factory=dict, description="ExtractiveParams (extractive only)")
    quantization: Quantization | None = Field(None, description="ctranslate2 only; default by device and model")
    dtype: DType = Field("auto", description="transformers only")
    licence: StrictStr | None = None
    source: StrictStr | None = Field(None, description="where the conventions above come from")

    @field_validator("generate")
    @classmethod
    def _generate(cls, value: dict[str, Any]) -> dict[str, Any]:
        return GenerateSettings(**value).model_dump(exclude_unset=True)

    @field_validator("params")
    @classmethod
    def _params(cls, value: dict[str, Any]) -> dict[str, Any]:
        return ExtractiveParams(**value).model_dump(exclude_unset=True)

    @model_validator(mode="after")
    def _fits_backend(self) -> ModelSpec:
        if self.backend == "extractive":
            extra = [k for k in ("model", "prefix", "strip_prefix", "generate", "quantization", "src_lang", "tgt_lang")
                     if getattr(self, k)]
            if extra:
                raise ValueError(f"backend extractive takes no {', '.join(extra)} (it ships with vnsumm)")
            return self
        if not self.model:
            raise ValueError(f"backend {self.backend} needs a 'model' (hub id or local folder)")
        if self.params:
            raise ValueError("'params' belongs to the extractive backend; seq2seq models take 'generate'")
        if self.quantization and self.backend != "ctranslate2":
            raise ValueError("'quantization' is a ctranslate2 setting; the transformers backend takes 'dtype'")
        if self.dtype != "auto" and self.backend != "transformers":
            raise ValueError("'dtype' is a transformers setting; the ctranslate2 backend takes 'quantization'")
        return self

    @property
    def is_local(self) -> bool:
        return bool(self.model) and str(self.model).startswith(("/", ".", "~"))

    def identity(self) -> dict[str, Any]:
        """What a record says about the model that made it (name, backend, model, revision)."""
        return {"name": self.name, "backend": self.backend, "model": self.model, "revision": self.revision}

    def shaping(self) -> dict[str, Any]:
        """The settings that shape outputs (not the licence or the source note), for the resume key."""
        return self.model_dump(exclude={"licence", "source"})


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    summarizer: StrictStr | None = None
    translator: StrictStr | None = None


class RegistryFile(BaseModel):
    """The file's top level: every key optional, nothing else allowed."""

    model_config = ConfigDict(extra="forbid")

    defaults: Defaults = Field(default_factory=Defaults)
    summarizers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    translators: dict[str, dict[str, Any]] = Field(default_factory=dict)


ROLE_SECTIONS: dict[Role, str] = {"summarizer": "summarizers", "translator": "translators"}


class Registry(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    summarizers: dict[str, ModelSpec]
    translators: dict[str, ModelSpec]
    defaults: Defaults
    path: Path

    @property
    def default_summarizer(self) -> str | None:
        return self._default("summarizer")

    @property
    def default_translator(self) -> str | None:
        return self._default("translator")

    def entries(self, role: Role) -> dict[str, ModelSpec]:
        return self.summarizers if role == "summarizer" else self.translators

    def _default(self, role: Role) -> str | None:
        named = getattr(self.defaults, role)
        entries = self.entries(role)
        return named or (next(iter(entries)) if len(entries) == 1 else None)  # a single entry is the default

    def summarizer(self, name: str | None = None) -> ModelSpec:
        return self.pick("summarizer", name)

    def translator(self, name: str | None = None) -> ModelSpec:
        return self.pick("translator", name)

    def pick(self, role: Role, name: str | None = None) -> ModelSpec:
        entries = self.entries(role)
        chosen = name or self._default(role)
        if chosen is None:
            if not entries:
                raise ConfigError(f"{self.path} has no {ROLE_SECTIONS[role]}")
            raise ConfigError(f"{self.path} has no defaults.{role}: name one with --{role} "
                              f"({', '.join(sorted(entries))})")
        if chosen not in entries:
            where = f" in {self.path}" if entries else f": {self.path} has no {ROLE_SECTIONS[role]}"
            hint = f": choose one of {', '.join(sorted(entries))}" if entries else ""
            raise ConfigError(f"unknown {role} {chosen!r}{where}{hint}")
        return entries[chosen]


def default_registry_path() -> Path:
    """`$VNSUMM_MODELS`, else `./models.yaml`, else the registry shipped with vnsumm."""
    if env := os.environ.get("VNSUMM_MODELS"):
        return Path(env)
    local = Path("models.yaml")
    if local.is_file():
        return local
    packaged = Path(__file__).with_name("models.yaml")  # a wheel carries it inside the package
    return packaged if packaged.is_file() else Path(__file__).parents[2] / "models.yaml"  # a source checkout


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc if not str(part).startswith("function-after"))


def _explain(error: Any, allowed: list[str]) -> str:
    """One pydantic error as plain words: the key, what is wrong, what was given."""
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        close = difflib.get_close_matches(key, allowed, n=1)
        return f"unknown key{f' (did you mean {close[0]!r}?)' if close else ''}; allowed: {', '.join(allowed)}"
    message = error["msg"].removeprefix("Value error, ")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return f"{message[:1].lower()}{message[1:]} (got {shown})" if kind != "value_error" else message


def _fields(model: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if name != "name"]


def _problem(path: Path, where: str, exc: ValidationError, model: type[BaseModel],
             nested: dict[str, type[BaseModel]]) -> ConfigError:
    """The first validation error as one line: file, entry and key, what is wrong, the keys allowed there (those of
    `model`, or of the `nested` model its first key names)."""
    error = exc.errors()[0]
    loc = _location(error["loc"])
    allowed = _fields(nested.get(loc.split(".")[0], model))
    key = ".".join(part for part in (where, loc) if part)
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return ConfigError(f"{path}: {key}: {_explain(error, allowed)}{more}")


def _spec(path: Path, section: str, name: str, entry: Any) -> ModelSpec:
    where = f"{section}.{name}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {where} must be a mapping of settings, not {type(entry).__name__}")
    try:
        spec = ModelSpec(name=name, **{str(k): v for k, v in entry.items()})
    except ValidationError as exc:
        raise _problem(path, where, exc, ModelSpec, {"generate": GenerateSettings, "params": ExtractiveParams}) \
            from None
    except TypeError as exc:  # a key that is not a valid identifier, e.g. a number
        raise ConfigError(f"{path}: {where}: {exc}") from None
    role: Role = "summarizer" if section == "summarizers" else "translator"
    if role not in BACKEND_ROLES[spec.backend]:
        raise ConfigError(f"{path}: {where}.backend: {spec.backend} cannot be a {role} "
                          f"(it serves: {', '.join(BACKEND_ROLES[spec.backend])})")
    if spec.is_local:  # local folders are resolved against the registry file, so a registry travels with its models
        spec = spec.model_copy(update={"model": str((path.parent / Path(str(spec.model)).expanduser()).resolve())})
    return spec


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate a registry; every problem is a one-line ConfigError naming the file, entry and key."""
    path = Path(path) if path is not None else default_registry_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"model registry {path} does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())
        raise ConfigError(f"model registry {path} is not valid YAML: {reason}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"model registry {path} must be a mapping with summarizers, translators and defaults")
    try:
        top = RegistryFile(**{str(k): v for k, v in data.items()})
    except ValidationError as exc:
        raise _problem(path, "", exc, RegistryFile, {"defaults": Defaults}) from None
    registry = Registry(
        summarizers={str(n): _spec(path, "summarizers", str(n), e) for n, e in top.summarizers.items()},
        translators={str(n): _spec(path, "translators", str(n), e) for n, e in top.translators.items()},
        defaults=top.defaults, path=path,
    )
    for role in ROLE_SECTIONS:
        named = getattr(top.defaults, role)
        if named is not None and named not in registry.entries(role):
            raise ConfigError(f"{path}: defaults.{role}: no {role} named {named!r} "
                              f"(entries: {', '.join(sorted(registry.entries(role))) or 'none'})")
    return registry

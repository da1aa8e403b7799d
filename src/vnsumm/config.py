"""The model registry (`models.yaml`): named summarizers and translators and the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BACKENDS = ("transformers", "ctranslate2", "extractive")
ROLES = ("summarizers", "translators")
_KEYS = {
    "backend", "model", "revision", "prefix", "strip_prefix", "max_input_tokens", "long_input", "src_lang",
    "tgt_lang", "generate", "params", "licence", "quantization", "dtype",
}
DTYPES = ("auto", "float32", "bfloat16", "float16")


class ConfigError(ValueError):
    """A usage or configuration problem: the CLI reports it in one line and exits 2."""


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry."""

    name: str
    backend: str
    model: str | None = None
    revision: str | None = None
    prefix: str = ""
    strip_prefix: str = ""
    max_input_tokens: int = 1024
    long_input: str = "truncate"  # or "chunk": summarize chunks, then summarize the joined chunk summaries
    src_lang: str | None = None
    tgt_lang: str | None = None
    generate: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    licence: str | None = None
    quantization: str | None = None  # ctranslate2 only; None picks int8 on CPU, int8_float16 on CUDA
    dtype: str = "auto"  # transformers only; auto: bf16 (or fp16) on CUDA, bf16 on CPUs with native bf16, else float32

    def identity(self) -> dict[str, Any]:
        """What a record says about the model that made it (name, model, revision, backend)."""
        return {"name": self.name, "backend": self.backend, "model": self.model, "revision": self.revision}


@dataclass(frozen=True)
class Registry:
    summarizers: dict[str, ModelSpec]
    translators: dict[str, ModelSpec]
    default_summarizer: str
    default_translator: str
    path: Path

    def summarizer(self, name: str | None = None) -> ModelSpec:
        return self._pick("summarizer", self.summarizers, name or self.default_summarizer)

    def translator(self, name: str | None = None) -> ModelSpec:
        return self._pick("translator", self.translators, name or self.default_translator)

    def _pick(self, role: str, entries: dict[str, ModelSpec], name: str) -> ModelSpec:
        if name not in entries:
            raise ConfigError(f"unknown {role} {name!r} in {self.path}: choose one of {', '.join(sorted(entries))}")
        return entries[name]


def default_registry_path() -> Path:
    """`$VNSUMM_MODELS`, else `./models.yaml`, else the registry shipped with the package."""
    if env := os.environ.get("VNSUMM_MODELS"):
        return Path(env)
    local = Path("models.yaml")
    return local if local.is_file() else Path(__file__).with_name("models.yaml")


def _spec(path: Path, role: str, name: str, entry: Any) -> ModelSpec:
    where = f"{path}: {role}.{name}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping of settings")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(f"{where} has unknown keys {sorted(unknown)}")
    backend = entry.get("backend")
    if backend not in BACKENDS:
        raise ConfigError(f"{where}: backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend != "extractive" and not entry.get("model"):
        raise ConfigError(f"{where}: backend {backend} needs a 'model' (hub id or local folder)")
    if entry.get("long_input", "truncate") not in ("truncate", "chunk"):
        raise ConfigError(f"{where}: long_input must be 'truncate' or 'chunk'")
    if entry.get("dtype", "auto") not in DTYPES:
        raise ConfigError(f"{where}: dtype must be one of {', '.join(DTYPES)}")
    for key in ("generate", "params"):
        if not isinstance(entry.get(key, {}), dict):
            raise ConfigError(f"{where}: {key} must be a mapping")
    model = entry.get("model")
    if model and (model.startswith((".", "/", "~"))):
        # Local folders are resolved against the registry file, so a registry can travel with its models.
        model = str((path.parent / Path(model).expanduser()).resolve())
    revision = entry.get("revision")
    return ModelSpec(
        name=name,
        backend=backend,
        model=model,
        revision=None if revision is None else str(revision),
        prefix=str(entry.get("prefix") or ""),
        strip_prefix=str(entry.get("strip_prefix") or ""),
        max_input_tokens=int(entry.get("max_input_tokens", 1024)),
        long_input=entry.get("long_input", "truncate"),
        src_lang=entry.get("src_lang"),
        tgt_lang=entry.get("tgt_lang"),
        generate=dict(entry.get("generate") or {}),
        params=dict(entry.get("params") or {}),
        licence=entry.get("licence"),
        quantization=entry.get("quantization"),
        dtype=entry.get("dtype", "auto"),
    )


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate a registry; every problem is a ConfigError naming the file and the entry."""
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
    roles: dict[str, dict[str, ModelSpec]] = {}
    for role in ROLES:
        entries = data.get(role) or {}
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: {role} must be a mapping of named entries")
        roles[role] = {str(name): _spec(path, role, str(name), entry) for name, entry in entries.items()}
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: defaults must be a mapping")
    registry = Registry(
        summarizers=roles["summarizers"],
        translators=roles["translators"],
        default_summarizer=str(defaults.get("summarizer", "")),
        default_translator=str(defaults.get("translator", "")),
        path=path,
    )
    registry.summarizer()  # the defaults must name real entries
    registry.translator()
    return registry

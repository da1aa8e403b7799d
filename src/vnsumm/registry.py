"""The model registry (`models.yaml`): named summarizers and translators, one schema for every key.

Each backend declares the keys of its entries (`vnsumm.backends`); this module reads the file against them: types,
ranges, allowed values, unknown keys refused at every level, each backend allowed only in the roles it serves.
Every problem is one `ConfigError` line naming the file, the entry and the key.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from vnsumm.backends import SPECS, ModelSpecBase, Role
from vnsumm.errors import ConfigError


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

    summarizers: dict[str, ModelSpecBase]
    translators: dict[str, ModelSpecBase]
    defaults: Defaults
    path: Path

    @property
    def default_summarizer(self) -> str | None:
        return self._default("summarizer")

    @property
    def default_translator(self) -> str | None:
        return self._default("translator")

    def entries(self, role: Role) -> dict[str, ModelSpecBase]:
        return self.summarizers if role == "summarizer" else self.translators

    def _default(self, role: Role) -> str | None:
        named = getattr(self.defaults, role)
        entries = self.entries(role)
        return named or (next(iter(entries)) if len(entries) == 1 else None)  # a single entry is the default

    def summarizer(self, name: str | None = None) -> ModelSpecBase:
        return self.pick("summarizer", name)

    def translator(self, name: str | None = None) -> ModelSpecBase:
        return self.pick("translator", name)

    def pick(self, role: Role, name: str | None = None) -> ModelSpecBase:
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


def _spec(path: Path, section: str, name: str, entry: Any) -> ModelSpecBase:
    where = f"{section}.{name}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {where} must be a mapping of settings, not {type(entry).__name__}")
    backend = entry.get("backend")
    if backend not in SPECS:
        got = "no backend" if backend is None else f"backend {backend!r}"
        raise ConfigError(f"{path}: {where}.backend: {got}; choose one of {', '.join(SPECS)}")
    spec_class = SPECS[backend]
    try:
        spec = spec_class(name=name, **{str(k): v for k, v in entry.items()})
    except ValidationError as exc:
        raise _problem(path, where, exc, spec_class, spec_class.nested) from None
    except TypeError as exc:  # a key that is not a valid identifier, e.g. a number
        raise ConfigError(f"{path}: {where}: {exc}") from None
    role: Role = "summarizer" if section == "summarizers" else "translator"
    if role not in spec.roles:
        raise ConfigError(f"{path}: {where}.backend: {backend} cannot be a {role} (it serves: {', '.join(spec.roles)})")
    # Local folders are resolved against the registry file, so a registry travels with its models.
    return spec.resolved(path.parent)


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

"""The CTranslate2 conversion cache: a checkpoint converted once per (model, revision, quantization), verified on use.

A conversion is written to a per-process staging folder, sealed with a marker listing every file and its size, then
renamed into place; one whose files do not match its marker (a truncated copy, a disk that filled up) is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from vnsumm.backends.seq2seq import Seq2SeqSpec
from vnsumm.errors import ModelUnavailable
from vnsumm.models.weights import snapshot_commit
from vnsumm.runtime import cache_root

MARKER = "vnsumm-conversion.json"


def ct2_cache_dir() -> Path:
    return cache_root() / "ct2"


def _folder_fingerprint(path: Path) -> str:
    """Identifies a local folder's weights (name, size, mtime), for caching a conversion of it."""
    stats = sorted((p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in path.iterdir() if p.is_file())
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:12]


def _sizes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file() and p.name != MARKER}


def seal(folder: Path) -> None:
    (folder / MARKER).write_text(json.dumps({"files": _sizes(folder)}), encoding="utf-8")


def is_sealed(folder: Path, required: tuple[str, ...] = ("model.bin", "config.json")) -> bool:
    """True when the folder holds every file its marker lists, at the listed size (extra files are allowed:
    the tokenizer saved beside the model later)."""
    try:
        listed = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not all(name in listed for name in required):
        return False
    for name, size in listed.items():
        file = folder / name
        if not file.is_file() or file.stat().st_size != size:
            return False
    return True


def conversion_dir(spec: Seq2SeqSpec, path: Path, quantization: str) -> Path:
    revision = snapshot_commit(path) or _folder_fingerprint(path)
    slug = re.sub(r"[^\w.-]+", "--", str(spec.model)).strip("-")[-80:]
    return ct2_cache_dir() / f"{slug}--{revision}--{quantization}"


def convert_to_ct2(spec: Seq2SeqSpec, path: Path, quantization: str) -> Path:
    """Convert a transformers checkpoint once; a damaged conversion is rebuilt."""
    target = conversion_dir(spec, path, quantization)
    if is_sealed(target):
        return target
    import ctranslate2.converters  # only when converting: it may import transformers and torch
    staging = target.with_name(f"{target.name}.tmp{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        ctranslate2.converters.TransformersConverter(str(path)).convert(str(staging), quantization=quantization)
        seal(staging)
        if target.exists():  # damaged: the fresh one replaces it
            shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)  # atomic: a half-written conversion is never picked up
        except OSError:  # another process finished the same conversion first
            if not is_sealed(target):
                raise
    except OSError as exc:
        raise ModelUnavailable(f"model {spec.name}: converting {path} for CTranslate2 into {target} failed "
                               f"({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def clear_conversions() -> int:
    """Remove every cached conversion; returns how many were removed."""
    root = ct2_cache_dir()
    folders = [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return len(folders)

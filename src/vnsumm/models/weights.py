"""Where weights come from: a local folder, the Hugging Face cache (no network), or a hub download."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
from pathlib import Path

from vnsumm.backends.seq2seq import Seq2SeqSpec
from vnsumm.errors import ModelUnavailable

WEIGHT_PATTERNS = ["*.json", "*.model", "*.spm", "*.txt", "sentencepiece*", "*.safetensors"]
T5_FAMILY = frozenset({"t5", "mt5", "umt5", "longt5"})  # trained in bf16: overflows in fp16


def snapshot_commit(path: Path) -> str | None:
    """The commit hash when `path` is a Hugging Face cache snapshot (…/snapshots/<commit>)."""
    return path.name if path.parent.name == "snapshots" and re.fullmatch(r"[0-9a-f]{40}", path.name) else None


def unavailable(spec: Seq2SeqSpec, why: str) -> ModelUnavailable:
    if spec.is_local:
        return ModelUnavailable(f"model {spec.name}: local folder {spec.model} {why}")
    return ModelUnavailable(
        f"model {spec.name} ({spec.model}) is not available: {why}. Run `vnsumm models pull {spec.name}` on a "
        "connected machine (it fills the Hugging Face cache), or set `model:` in models.yaml to a local folder"
    )


def check_folder(spec: Seq2SeqSpec, path: Path) -> None:
    """A model folder needs a config, weights and a tokenizer; say which is missing, not 'pull'."""
    if not (path / "config.json").is_file():
        raise unavailable(spec, "has no config.json (not a transformers model folder)")
    if not any(path.glob("*.safetensors")) and not any(path.glob("*.bin")):
        raise unavailable(spec, "has no weights (*.safetensors or pytorch_model.bin)")
    tokenizer_files = ("tokenizer.json", "spiece.model", "source.spm", "sentencepiece.bpe.model", "vocab.json")
    if not any((path / name).is_file() for name in tokenizer_files):
        raise unavailable(spec, f"has no tokenizer files (one of {', '.join(tokenizer_files)})")


def locate_model(spec: Seq2SeqSpec, *, download: bool = True) -> Path:
    """A local folder holding the entry's files: the folder itself, or its snapshot in the Hugging Face cache.

    A cached snapshot is used without touching the network (fast, reproducible starts); otherwise, unless
    HF_HUB_OFFLINE is set, the files are downloaded (safetensors only where the repo has them).
    """
    assert spec.model is not None
    if spec.is_local:
        local = Path(spec.model).expanduser()
        if not local.is_dir():
            raise unavailable(spec, "does not exist" if not local.exists() else "is not a folder")
        check_folder(spec, local)
        return local
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(spec.model, revision=spec.revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError):
        pass
    except HFValidationError as exc:
        raise unavailable(spec, f"{spec.model!r} is not a hub id ({exc})") from None
    if not download:
        raise unavailable(spec, "its weights are not in the Hugging Face cache")
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on"):
        raise unavailable(spec, "its weights are not in the Hugging Face cache and offline mode is on (HF_HUB_OFFLINE)")
    if not hub_reachable():
        raise unavailable(spec, "its weights are not in the Hugging Face cache and the hub cannot be reached")
    try:
        files = HfApi().list_repo_files(spec.model, revision=spec.revision)
        patterns = WEIGHT_PATTERNS + ([] if any(f.endswith(".safetensors") for f in files) else ["*.bin"])
        return Path(snapshot_download(spec.model, revision=spec.revision, allow_patterns=patterns))
    except (HfHubHTTPError, *http_errors()) as exc:  # type: ignore[misc]  # a tuple built at run time
        reason = " ".join(str(exc).split())[:120]
        raise unavailable(spec, f"download failed ({type(exc).__name__}: {reason})") from None


def http_errors() -> tuple[type[Exception], ...]:
    """What the hub client raises for network failures: OSError and its HTTP library's base error (requests before
    huggingface_hub 1.0, httpx after), never programming errors."""
    errors: list[type[Exception]] = [OSError]
    for module, name in (("requests", "RequestException"), ("httpx", "HTTPError"), ("httpx2", "HTTPError")):
        with contextlib.suppress(ImportError, AttributeError):
            errors.append(getattr(importlib.import_module(module), name))
    return tuple(errors)


def hub_reachable(timeout: float = 5.0) -> bool:
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


def model_type(path: Path) -> str | None:
    """`model_type` of the folder's config.json (t5, marian, mbart, ...)."""
    try:
        value = json.loads((path / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError):
        return None
    return value if isinstance(value, str) else None

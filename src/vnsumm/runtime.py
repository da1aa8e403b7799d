"""Where and how models run, decided once per run from its options: device and batch limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def cache_root() -> Path:
    """vnsumm's own cache (CTranslate2 conversions, benchmark models): `$VNSUMM_CACHE`, else the XDG cache."""
    if root := os.environ.get("VNSUMM_CACHE"):
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vnsumm"


@dataclass(frozen=True)
class Runtime:
    device: str = "auto"  # auto, cpu, cuda or mps
    batch_tokens: int | None = None  # padded input tokens per batch; default by backend and device
    batch_size: int | None = None  # most sequences in one batch (--batch-size); the token budget bounds it too

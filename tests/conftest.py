"""Fixtures: the tiny models (see helpers.py), built once per session, and an isolated conversion cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import REGISTRY, build_tiny_marian, build_tiny_t5

os.environ["HF_HUB_OFFLINE"] = "1"  # no test may reach a hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def tiny_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models.yaml whose entries point at tiny local models (built once per test session)."""
    import torch

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-models")
    build_tiny_t5(root / "vit5")
    build_tiny_t5(root / "envit5")
    build_tiny_marian(root / "marian")
    registry = root / "models.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    return registry


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """CTranslate2 conversions go to a per-session cache, never the user's."""
    monkeypatch.setenv("VNSUMM_CACHE", str(tmp_path_factory.getbasetemp() / "vnsumm-cache"))

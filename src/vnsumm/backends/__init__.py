"""The backends a registry entry may name, as a plug-in table (CTranslate2's `register_loader` shape): each backend
is one module declaring its spec class (its own keys, the roles it serves, whether it needs weights, how it loads a
summarizer or translator). Adding a backend is one new module and one line here."""

from __future__ import annotations

from vnsumm.backends.base import ModelSpecBase, Role
from vnsumm.backends.ctranslate2 import CTranslate2Spec
from vnsumm.backends.extractive import ExtractiveSpec, fallback_spec
from vnsumm.backends.seq2seq import GenerateSettings, Seq2SeqSpec
from vnsumm.backends.transformers import TransformersSpec

SPECS: dict[str, type[ModelSpecBase]] = {
    "ctranslate2": CTranslate2Spec,
    "transformers": TransformersSpec,
    "extractive": ExtractiveSpec,
}

__all__ = ["SPECS", "CTranslate2Spec", "ExtractiveSpec", "GenerateSettings", "ModelSpecBase", "Role", "Seq2SeqSpec",
           "TransformersSpec", "fallback_spec"]

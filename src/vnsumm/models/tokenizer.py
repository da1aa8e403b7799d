"""Tokenizers: transformers' own class for a folder, and its Rust core saved beside a CTranslate2 conversion."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from vnsumm.backends.seq2seq import Seq2SeqSpec


def load_tokenizer(path: Path) -> Any:
    """The tokenizer class the folder names, imported alone: AutoTokenizer would import torch (seconds of start-up
    that the CTranslate2 backend does not need)."""
    import transformers

    config = path / "tokenizer_config.json"
    name = json.loads(config.read_text(encoding="utf-8")).get("tokenizer_class") if config.is_file() else None
    tokenizer_class = getattr(transformers, name, None) if isinstance(name, str) else None
    return (tokenizer_class or transformers.AutoTokenizer).from_pretrained(path)


class SavedTokenizer:
    """The Rust tokenizer that transformers runs, saved beside a CTranslate2 conversion and loaded with `tokenizers`
    alone: the CTranslate2 path then starts without importing transformers. It answers the calls the generator
    makes, the way transformers' fast tokenizer does (ids, truncation, special tokens, decoding)."""

    FILE, SETTINGS = "tokenizer.json", "vnsumm-tokenizer.json"

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / self.FILE))
        settings = json.loads((folder / self.SETTINGS).read_text(encoding="utf-8"))
        self.pad_token_id: int = settings["pad_token_id"]
        self.eos_token_id: int | None = settings.get("eos_token_id")

    @classmethod
    def save(cls, tokenizer: Any, folder: Path) -> None:
        """Save a transformers tokenizer's Rust core when it is all there is to it (a fast tokenizer that does
        not clean up spaces when decoding); otherwise save nothing."""
        if getattr(tokenizer, "backend_tokenizer", None) is None or tokenizer.clean_up_tokenization_spaces:
            return
        staging = folder / f"{cls.FILE}.tmp{os.getpid()}"
        tokenizer.backend_tokenizer.save(str(staging))
        settings = {"pad_token_id": tokenizer.pad_token_id, "eos_token_id": tokenizer.eos_token_id}
        (folder / cls.SETTINGS).write_text(json.dumps(settings), encoding="utf-8")
        staging.replace(folder / cls.FILE)  # last: its presence means both files are whole

    def __call__(self, texts: list[str], truncation: bool = False, max_length: int | None = None,
                 add_special_tokens: bool = True) -> dict[str, list[list[int]]]:
        if truncation and max_length:
            self._tokenizer.enable_truncation(max_length)
        else:
            self._tokenizer.no_truncation()
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings]}

    def batch_decode(self, ids: list[list[int]], skip_special_tokens: bool = False) -> list[str]:
        return self._tokenizer.decode_batch(ids, skip_special_tokens=skip_special_tokens)

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._tokenizer.id_to_token(i) or "" for i in ids]

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        return [self._tokenizer.token_to_id(t) or 0 for t in tokens]


def load_ct2_tokenizer(spec: Seq2SeqSpec, path: Path, converted: Path) -> Any:
    """The tokenizer saved with the conversion; else transformers', saved there for the next run where it can be."""
    if spec.src_lang is None and (converted / SavedTokenizer.FILE).is_file() \
            and (converted / SavedTokenizer.SETTINGS).is_file():
        return SavedTokenizer(converted)
    tokenizer = load_tokenizer(path)
    if spec.src_lang is None:  # a source-language setting changes the tokenizer: keep using transformers for it
        with contextlib.suppress(OSError):  # a read-only shared cache: this run is fine, only slower to start
            SavedTokenizer.save(tokenizer, converted)
    return tokenizer

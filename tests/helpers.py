"""Test helpers: tiny models of the real architectures (T5 like ViT5 and EnViT5, Marian like opus-mt), with
sentencepiece tokenizers trained on the seeds, saved to disk and loaded through vnsumm's own loading code, and the
real CLI in a subprocess. Their weights are random: tests assert structure and conventions, never text quality."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
VOCAB = 500



def train_spm(folder: Path, name: str, **ids: int) -> Path:
    import sentencepiece as spm

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    text += "\nvietnews: vi: en: The conference was held in Hanoi by the Party committee."
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text.splitlines()), model_prefix=str(folder / name), vocab_size=VOCAB,
        character_coverage=1.0, model_type="unigram", minloglevel=2, bos_id=-1, **ids,
    )
    (folder / f"{name}.vocab").unlink()
    return folder / f"{name}.model"


def build_tiny_t5(folder: Path, **config: object) -> Path:
    """A T5 with ViT5's conventions (pad 0, eos 1, unk 2, decoder starts at pad), 2 layers of width 32."""
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    folder.mkdir(parents=True)
    train_spm(folder, "spiece", pad_id=0, eos_id=1, unk_id=2)
    (folder / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "T5Tokenizer", "extra_ids": 0}))
    settings = dict(vocab_size=VOCAB, d_model=32, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=2,
                    d_kv=16, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    settings.update(config)
    t5 = T5Config(**settings)
    t5.save_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    T5ForConditionalGeneration(t5).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_tiny_marian(folder: Path) -> Path:
    """A Marian (opus-mt layout: source.spm, target.spm, vocab.json; eos 0, unk 1, pad last)."""
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True)
    model = train_spm(folder, "source", unk_id=1, eos_id=0, pad_id=-1)
    shutil.copy(model, folder / "target.spm")
    model.rename(folder / "source.spm")
    processor = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(folder / "source.spm"), target_spm=str(folder / "target.spm"),
                                vocab=str(folder / "vocab.json"))
    config = MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=0, decoder_start_token_id=tokenizer.pad_token_id,
        forced_eos_token_id=0,
    )
    MarianMTModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


REGISTRY = """
defaults: {summarizer: tiny-vit5, translator: tiny-envit5}
summarizers:
  tiny-vit5:
    backend: transformers
    model: ./vit5
    prefix: "vietnews: "
    max_input_tokens: 256
    generate: {num_beams: 1, max_new_tokens: 12, min_new_tokens: 4, no_repeat_ngram_size: 1}
  tiny-vit5-chunked:
    backend: transformers
    model: ./vit5
    prefix: "vietnews: "
    max_input_tokens: 128
    long_input: chunk
    generate: {num_beams: 1, max_new_tokens: 8, min_new_tokens: 2, no_repeat_ngram_size: 1}
  tiny-vit5-ct2:
    backend: ctranslate2
    model: ./vit5
    prefix: "vietnews: "
    max_input_tokens: 256
    generate: {num_beams: 1, max_new_tokens: 12, min_new_tokens: 12, no_repeat_ngram_size: 1}
  tiny-vit5-slow:
    backend: transformers
    model: ./vit5
    prefix: "vietnews: "
    max_input_tokens: 256
    generate: {num_beams: 4, max_new_tokens: 120, min_new_tokens: 120}
  extractive:
    backend: extractive
translators:
  tiny-envit5:
    backend: transformers
    model: ./envit5
    prefix: "vi: "
    strip_prefix: "en: "
    max_input_tokens: 128
    generate: {num_beams: 1, max_new_tokens: 8, min_new_tokens: 2, no_repeat_ngram_size: 1}
  tiny-envit5-ct2:
    backend: ctranslate2
    model: ./envit5
    prefix: "vi: "
    strip_prefix: "en: "
    max_input_tokens: 128
    generate: {num_beams: 1, max_new_tokens: 8, min_new_tokens: 2, no_repeat_ngram_size: 1}
  tiny-opus:
    backend: transformers
    model: ./marian
    max_input_tokens: 128
    generate: {num_beams: 2, max_new_tokens: 8, min_new_tokens: 2, no_repeat_ngram_size: 1}
"""


def vnsumm(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
           stdin: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "vnsumm.cli", *args], cwd=cwd, env=full_env, capture_output=True,
        timeout=timeout, input=stdin,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(errors="replace"),
                                       done.stderr.decode(errors="replace"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

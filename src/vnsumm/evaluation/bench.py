"""`vnsumm bench`: the model card's per-article loop against vnsumm's backends, on a ViT5-base-shaped T5.

Weights are random (no download), so only speed and memory are measured. Every contender runs in its own
process, timed whole (start-up, model loading and generation), with the same articles, the same 1,024-token
inputs and the same forced output length; peak RSS comes from the kernel's accounting for that process.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vnsumm.evaluation.evaluate import seed_set
from vnsumm.jsonl import load_jsonl
from vnsumm.models.transformers_generator import model_dtype
from vnsumm.runtime import cache_root

VIT5_BASE_SHAPE: dict[str, Any] = dict(  # VietAI/vit5-base: T5 v1.1 layout, 36,096-token vocabulary, ~226M parameters
    vocab_size=36096, d_model=768, d_kv=64, d_ff=2048, num_layers=12, num_decoder_layers=12, num_heads=12,
    feed_forward_proj="gated-gelu", tie_word_embeddings=False, decoder_start_token_id=0, pad_token_id=0,
    eos_token_id=1,
)
INPUT_TOKENS = 1024
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@dataclass
class BenchRow:
    name: str
    seconds: float
    articles: int
    peak_rss_mb: float
    speedup: float = 1.0

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds


def build_model(folder: Path, texts: list[str]) -> Path:
    """A ViT5-base-shaped T5 with random weights and a sentencepiece tokenizer trained on `texts` (cached)."""
    if (folder / "model.safetensors").exists():
        return folder
    import sentencepiece as spm
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    folder.mkdir(parents=True, exist_ok=True)
    # ViT5's vocabulary has 36,096 pieces; news text this small supports ~5,000, so pseudo-words made of Vietnamese
    # letters are added to the training text: a real 36,096-piece tokenizer, and every id decodes to text.
    rng = random.Random(0)
    pseudo = [" ".join("".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 7))) for _ in range(12))
              for _ in range(60_000)]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([line for t in texts for line in t.splitlines() if line.strip()] + pseudo),
        model_prefix=str(folder / "spiece"), vocab_size=VIT5_BASE_SHAPE["vocab_size"], character_coverage=1.0,
        input_sentence_size=200_000, shuffle_input_sentence=True, pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
        minloglevel=2,
    )
    (folder / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "T5Tokenizer", "extra_ids": 0}))
    config = T5Config(**VIT5_BASE_SHAPE)
    config.save_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    torch.manual_seed(0)
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def write_inputs(folder: Path, texts: list[str], count: int) -> Path:
    """`count` articles, each long enough to fill the 1,024-token window (short ones are joined)."""
    articles, current = [], ""
    for text in texts:
        current = f"{current}\n{text}".strip()
        if len(current.split()) >= 1400:
            articles.append(current)
            current = ""
        if len(articles) == count:
            break
    if not articles:  # less text than one window: repeat it
        articles.append(" ".join(texts * 50))
    found = len(articles)
    while len(articles) < count:  # fewer long articles than asked for: cycle through them
        articles.append(articles[len(articles) % found])
    path = folder / f"articles-{count}.jsonl"
    path.write_text("".join(json.dumps({"id": f"bench-{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(articles)), encoding="utf-8")
    return path


def write_registry(folder: Path, model: Path, new_tokens: int) -> Path:
    generate = {"num_beams": 1, "max_new_tokens": new_tokens, "min_new_tokens": new_tokens}
    entry = {"model": str(model), "prefix": "", "max_input_tokens": INPUT_TOKENS, "generate": generate}
    registry = {
        "defaults": {"summarizer": "bench-transformers", "translator": "bench-transformers"},
        "summarizers": {"bench-transformers": {"backend": "transformers", **entry},
                        "bench-transformers-fp32": {"backend": "transformers", "dtype": "float32", **entry},
                        "bench-ctranslate2": {"backend": "ctranslate2", **entry}},
        "translators": {"bench-transformers": {"backend": "transformers", **entry}},
    }
    path = folder / f"models-{new_tokens}.yaml"
    path.write_text(json.dumps(registry, indent=2), encoding="utf-8")  # JSON is YAML
    return path


def model_card_loop(model: Path, articles: Path, new_tokens: int, device: str = "cpu") -> None:
    """The model card's way: one article at a time, `generate` per article (run in its own process)."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    seq2seq = AutoModelForSeq2SeqLM.from_pretrained(model).to(device).eval()
    for record in load_jsonl(articles):
        encoding = tokenizer(record["text"], return_tensors="pt", truncation=True,
                             max_length=INPUT_TOKENS).to(device)
        with torch.no_grad():
            seq2seq.generate(**encoding, max_new_tokens=new_tokens, min_new_tokens=new_tokens, num_beams=1)


def _peak_rss_mb(pid: int) -> float | None:
    """The process's own high-water mark (VmHWM), which exec resets; getrusage would count the forked parent."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


def timed(command: list[str], ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a whole child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while True:
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _peak_rss_mb(process.pid) or 0.0)  # monotonic: the last reading is the peak so far
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ok_codes:
        detail = process.stderr.read().decode(errors="replace")[-500:] if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} failed: {detail}")
    return seconds, peak


def bench_device(device: str) -> str:
    """auto: CUDA when torch sees a GPU, else the CPU (the bench's models are transformers and CTranslate2 ones)."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def ctranslate2_runs_on(device: str) -> bool:
    try:
        import ctranslate2
    except ImportError:
        return False
    return device == "cpu" or ctranslate2.get_cuda_device_count() > 0


def run_bench(articles: int = 16, new_tokens: int = 64, dataset: Path | None = None,
              workdir: Path | None = None, device: str = "cpu",
              budgets: Sequence[int] = ()) -> tuple[list[BenchRow], float]:
    """Rows for the model-card loop and each vnsumm backend on `device`, and the model's size on disk in MB.
    `budgets`: padded input tokens per batch to time the default transformers entry at, besides its default."""
    workdir = workdir or cache_root() / "bench"
    source = dataset if dataset and dataset.is_file() else None
    texts = [r["text"] for r in load_jsonl(source)] if source else \
        [p.read_text(encoding="utf-8") for p in sorted(Path(seed_set().inputs[0]).glob("*.txt"))]
    model = build_model(workdir / "vit5-base-shaped", texts)
    inputs = write_inputs(workdir, texts, articles)
    registry = write_registry(workdir, model, new_tokens)
    python = sys.executable
    size_mb = sum(p.stat().st_size for p in model.iterdir()) / 2**20

    def vnsumm_run(name: str, articles_file: Path = inputs, budget: int | None = None) -> list[str]:
        return [python, "-m", "vnsumm.cli", "run", str(articles_file), "--lang", "vi", "--summarizer", name,
                "--models", str(registry), "--out", str(workdir / f"out-{name}"), "--force", "--device", device,
                *(["--batch-tokens", str(budget)] if budget else [])]

    def timed_run(name: str, articles_file: Path = inputs, budget: int | None = None) -> tuple[float, float]:
        # Exit 1 is allowed: random weights may emit only padding, which vnsumm records as an empty summary.
        seconds, rss = timed(vnsumm_run(name, articles_file, budget), ok_codes=(0, 1))
        written = load_jsonl(workdir / f"out-{name}" / "summaries.jsonl")
        if len(written) != len(load_jsonl(articles_file)):
            raise RuntimeError(f"{name} wrote {len(written)} records for {articles_file}")
        return seconds, rss

    with_ctranslate2 = ctranslate2_runs_on(device)
    if with_ctranslate2:  # convert once before timing: the conversion is cached, as it is for users after a run
        timed_run("bench-ctranslate2", write_inputs(workdir, texts, 1))
    loop_seconds, loop_rss = timed([python, "-m", "vnsumm.evaluation.bench", str(model), str(inputs), str(new_tokens),
                                    device])
    rows = [BenchRow(f"model-card loop (transformers, {device})", loop_seconds, articles, loop_rss)]
    # The default dtype: bf16 on CUDA and on CPUs with native bf16.
    dtype = str(model_dtype(device, family="t5")).removeprefix("torch.")
    contenders: list[tuple[str, str, int | None]] = [("bench-transformers", f"vnsumm transformers {dtype}", None)]
    contenders += [("bench-transformers", f"vnsumm transformers {dtype}, {b:,}-token batches", b) for b in budgets]
    if dtype != "float32":
        contenders.append(("bench-transformers-fp32", "vnsumm transformers float32", None))
    if with_ctranslate2:
        contenders.append(("bench-ctranslate2", "vnsumm ctranslate2 (int8 on CPU)", None))
    for name, label, budget in contenders:
        seconds, rss = timed_run(name, budget=budget)
        rows.append(BenchRow(label, seconds, articles, rss, loop_seconds / seconds))
    return rows, size_mb


if __name__ == "__main__":  # the model-card loop's own process
    model_card_loop(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4])

"""Generation alone, in one process, at several batch budgets: `vnsumm bench`'s ViT5-base-shaped random model.

    python benchmarks/generation_bench.py [--device cuda] [--articles 512] 8192 16384 65536 262144

Whole runs (start-up and loading included) are `vnsumm bench`; this isolates what the batch budget buys on a GPU.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from vnsumm.backends import Seq2SeqSpec
from vnsumm.evaluation.bench import build_model, write_inputs, write_registry
from vnsumm.models.generator import Seq2SeqGenerator
from vnsumm.registry import load_registry
from vnsumm.runtime import Runtime, cache_root

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("budgets", type=int, nargs="+", help="padded input tokens per batch")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--articles", type=int, default=512)
    parser.add_argument("--workdir", type=Path, default=cache_root() / "bench")
    args = parser.parse_args()
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    model = build_model(args.workdir / "vit5-base-shaped", seeds)
    inputs = write_inputs(args.workdir, seeds, args.articles)
    spec = load_registry(write_registry(args.workdir, model, 64)).summarizer("bench-transformers")
    assert isinstance(spec, Seq2SeqSpec)
    texts = [json.loads(line)["text"] for line in inputs.read_text(encoding="utf-8").splitlines()]
    cuda = args.device == "cuda"
    for budget in args.budgets:
        generator = Seq2SeqGenerator(spec, Runtime(args.device, batch_tokens=budget))
        generator.generate(texts[:32])  # load and warm up
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        generator.generate(texts)
        if cuda:
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        peak = f", peak {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB" if cuda else ""
        print(f"budget {budget:>9,}: {len(texts)} articles in {seconds:.2f} s, {len(texts) / seconds:.2f} articles/s"
              f"{peak}", flush=True)
        del generator
        if cuda:
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()

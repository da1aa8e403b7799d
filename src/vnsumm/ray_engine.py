"""Scale-out engine on Ray Data: the same stages as the local engine, run in `map_batches`.

Cleaning is a stateless function; summarization and translation run in actor pools, so each actor loads its model
once (on a GPU where the cluster has one). Records come back to the driver, which writes them exactly as the local
engine does: the same schema, error records, resumability and exit codes.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from vnsumm.clean import clean_articles
from vnsumm.errors import ConfigError
from vnsumm.local_engine import ProgressSink, chunks, fallback_summarizer
from vnsumm.models.weights import locate_model
from vnsumm.options import Device, RunOptions
from vnsumm.records import Article
from vnsumm.registry import ModelSpec
from vnsumm.summarize import Summarizer, load_summarizer, summarize_stage
from vnsumm.translate import load_translator, translate_stage
from vnsumm.tuning import tune_process

Batch = dict[str, Any]
CLEAN_CPUS = 0.5
RAY_CHUNK = 20_000  # articles per Ray dataset: each starts its model actors anew, so chunks are large


def _articles(batch: Batch) -> list[Article]:
    return [Article.from_record(json.loads(row)) for row in batch["record"]]


def _batch(articles: list[Article]) -> Batch:
    # One JSON column: records hold nested and optional fields that Arrow would otherwise have to type.
    return {"record": np.array([json.dumps(a.to_record(with_text=True), ensure_ascii=False) for a in articles])}


def clean_batch(batch: Batch, common: frozenset[str]) -> Batch:
    return _batch(clean_articles(_articles(batch), common))


class SummarizeActor:
    def __init__(self, spec: ModelSpec, device: str, token_budget: int | None, max_batch: int | None,
                 fallback: Summarizer | None = None) -> None:
        tune_process(device)  # a worker process is a batch process of its own
        self.summarizer = load_summarizer(spec, device, token_budget, max_batch)
        self.fallback = fallback

    def __call__(self, batch: Batch) -> Batch:
        return _batch(summarize_stage(_articles(batch), self.summarizer, fallback=self.fallback))


class TranslateActor:
    def __init__(self, spec: ModelSpec, device: str, token_budget: int | None, max_batch: int | None) -> None:
        tune_process(device)
        self.translator = load_translator(spec, device, token_budget, max_batch)

    def __call__(self, batch: Batch) -> Batch:
        return _batch(translate_stage(_articles(batch), self.translator))


def ray_groups(pending: Iterator[Article], common: frozenset[str], summarizer_spec: ModelSpec,
               translator_spec: ModelSpec | None, options: RunOptions,
               progress: ProgressSink | None) -> Iterator[list[Article]]:
    """Groups of finished articles, as the cluster completes them (order not kept)."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'vnsumm[ray]'") from None
    for spec in (summarizer_spec, translator_spec):
        if spec is not None and spec.backend != "extractive":
            locate_model(spec)  # fail (or download) here, in one line, not inside a worker
    if not ray.is_initialized():
        ray.init(address=options.ray_address, num_cpus=None if options.ray_address else os.cpu_count(),
                 include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                 runtime_env={"env_vars": {k: v for k, v in os.environ.items() if k.startswith(("HF_", "VNSUMM_"))}})
    ray.data.DataContext.get_current().enable_progress_bars = False
    gpus = ray.cluster_resources().get("GPU", 0)
    # --device cpu keeps models off the cluster's GPUs; auto uses them where there are any.
    if options.device == Device.cuda and not gpus:
        raise ConfigError("device cuda was asked for, but the Ray cluster has no GPU")
    use_gpus = bool(gpus) and options.device in (Device.auto, Device.cuda)
    workers = options.ray_workers or (int(gpus) if use_gpus else 1)
    device = "cuda" if use_gpus else "cpu" if options.device == Device.auto else options.device.value
    stages: list[tuple[Any, tuple[Any, ...]]] = [(SummarizeActor, (summarizer_spec, device, options.token_budget,
                                                                    options.batch_size,
                                                                    fallback_summarizer(summarizer_spec, options)))]
    if translator_spec:
        stages.append((TranslateActor, (translator_spec, device, options.token_budget, options.batch_size)))
    # Model actors must leave room for the cleaning tasks, or the pipeline waits forever for a free CPU.
    cpus = ray.cluster_resources()["CPU"]
    actor_resources = {"num_gpus": 1} if use_gpus else {"num_cpus": (cpus - CLEAN_CPUS) / (workers * len(stages))}

    def pipeline(chunk: list[Article]) -> Any:
        dataset: Any = ray.data.from_items([{"record": json.dumps(a.to_record(with_text=True), ensure_ascii=False)}
                                            for a in chunk])
        dataset = dataset.map_batches(clean_batch, fn_kwargs={"common": common}, batch_format="numpy",
                                      batch_size=options.write_every, num_cpus=CLEAN_CPUS)
        for actor, arguments in stages:
            dataset = dataset.map_batches(
                actor, fn_constructor_args=arguments,
                batch_size=options.write_every, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=workers), **actor_resources,
            )
        return dataset

    def groups() -> Iterator[list[Article]]:
        # The driver reads the input in large chunks (its memory holds one), the cluster streams each through.
        for chunk in chunks(pending, RAY_CHUNK):
            for batch in pipeline(chunk).iter_batches(batch_size=options.write_every, batch_format="numpy"):
                group = _articles(batch)
                if progress:
                    progress.advance(len(group))
                yield group

    return groups()  # the cluster is up and the models found before the caller touches the output

"""The Ray runner: the plan's stages in Ray Data's `map_batches`. Stages that need a model run in actor pools
(each actor sets its stage up once, on a GPU where the cluster has one); the others as tasks. Records come back to
the driver, which stores them exactly as with the local runner."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from vnsumm.errors import ConfigError
from vnsumm.options import Device, RunOptions
from vnsumm.records import Article
from vnsumm.runners import ProgressSink
from vnsumm.runners.local import batches
from vnsumm.stages.base import Stage
from vnsumm.tuning import tune_process

Batch = dict[str, Any]
TASK_CPUS = 0.5
RAY_CHUNK = 20_000  # articles per Ray dataset: each starts its model actors anew, so chunks are large


def _articles(batch: Batch) -> list[Article]:
    return [Article.from_record(json.loads(row)) for row in batch["record"]]


def _batch(articles: list[Article]) -> Batch:
    # One JSON column: records hold nested and optional fields that Arrow would otherwise have to type.
    return {"record": np.array([json.dumps(a.to_record(with_text=True), ensure_ascii=False) for a in articles])}


def run_task(batch: Batch, stage: Stage) -> Batch:
    return _batch(stage(_articles(batch)))


class StageActor:
    """One long-lived worker of a stage that needs a model: its process is a batch process of its own."""

    def __init__(self, stage: Stage, device: str) -> None:
        tune_process(device)
        stage.setup()
        self.stage = stage

    def __call__(self, batch: Batch) -> Batch:
        return run_task(batch, self.stage)


def run_ray(stages: list[Stage], pending: Iterator[Article], options: RunOptions,
            progress: ProgressSink | None) -> Iterator[list[Article]]:
    """Batches of finished articles, as the cluster completes them (order not kept)."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'vnsumm[ray]'") from None
    for stage in stages:
        stage.prepare()  # a missing model fails (or downloads) here, in one line, not inside a worker
    started = not ray.is_initialized()  # a cluster this run starts is this run's: it shuts it down at the end
    if started:
        ray.init(address=options.ray_address, num_cpus=None if options.ray_address else os.cpu_count(),
                 include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                 runtime_env={"env_vars": {k: v for k, v in os.environ.items() if k.startswith(("HF_", "VNSUMM_"))}})
    try:
        resources = ray.cluster_resources()
        # --device cpu keeps models off the cluster's GPUs; auto uses them where there are any.
        if options.device == Device.cuda and not resources.get("GPU"):
            raise ConfigError("device cuda was asked for, but the Ray cluster has no GPU")
    except BaseException:
        if started:
            ray.shutdown()
        raise
    gpus = resources.get("GPU", 0)
    use_gpus = bool(gpus) and options.device in (Device.auto, Device.cuda)
    workers = options.ray_workers or (int(gpus) if use_gpus else 1)
    device = "cuda" if use_gpus else "cpu" if options.device == Device.auto else options.device.value
    pooled = [s for s in stages if s.needs_model]
    # Each model pool has `workers` actors; on GPUs the pools share them (a summarizer's and a translator's actor
    # on each GPU), or the second pool would wait forever for a GPU the first holds. On CPUs the actors must leave
    # room for the tasks, or the pipeline waits forever for a free CPU.
    share = (resources["CPU"] - TASK_CPUS) / (workers * max(len(pooled), 1))
    actor_resources = {"num_gpus": 1 / max(len(pooled), 1)} if use_gpus else {"num_cpus": share}

    def dataset_of(chunk: list[Article]) -> Any:
        dataset: Any = ray.data.from_items([{"record": json.dumps(a.to_record(with_text=True), ensure_ascii=False)}
                                            for a in chunk])
        for stage in stages:
            if stage.needs_model:
                dataset = dataset.map_batches(
                    StageActor, fn_constructor_args=(stage.on_device(device), device),
                    batch_size=options.group_size, batch_format="numpy",
                    compute=ray.data.ActorPoolStrategy(size=workers), **actor_resources)
            else:
                dataset = dataset.map_batches(run_task, fn_kwargs={"stage": stage}, batch_format="numpy",
                                              batch_size=options.group_size, num_cpus=TASK_CPUS)
        return dataset

    def finished() -> Iterator[list[Article]]:
        context = ray.data.DataContext.get_current()
        progress_bars, context.enable_progress_bars = context.enable_progress_bars, False  # the run has its own
        try:
            # The driver reads the input in large chunks (its memory holds one), the cluster streams each through.
            for chunk in batches(pending, RAY_CHUNK):
                for batch in dataset_of(chunk).iter_batches(batch_size=options.group_size, batch_format="numpy"):
                    group = _articles(batch)
                    if progress:
                        progress.advance(len(group))
                    yield group
        finally:  # the caller's Ray as it was
            context.enable_progress_bars = progress_bars
            if started:
                ray.shutdown()

    return finished()  # the cluster is up and the models found before the caller touches the output

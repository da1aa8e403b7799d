"""vnsumm: summarize and translate Vietnamese news in bulk.

The library and the CLI are the same thing: `vnsumm run` is `vnsumm.run` (its stages planned by
`vnsumm.plan_run`), `vnsumm clean` is `vnsumm.clean_articles(vnsumm.read_inputs(...))` then `vnsumm.write_cleaned`,
`vnsumm score` is `vnsumm.score_files`, `vnsumm eval` is `vnsumm.evaluation.evaluate`, `vnsumm check` is `vnsumm.check`,
`vnsumm group` is `vnsumm.group`, `vnsumm summarize-stories` is `vnsumm.summarize_stories_file` (with the models of
`vnsumm.load_story_models`; `vnsumm.summarize_stories` takes articles already read).
"""

from vnsumm.backends import ExtractiveSpec, ModelSpecBase, Seq2SeqSpec
from vnsumm.cleaning.rules import clean_article, clean_articles, clean_text, write_cleaned
from vnsumm.errors import ConfigError, ModelUnavailable
from vnsumm.evaluation.evaluate import EvalSet, dataset_set, evaluate, seed_set
from vnsumm.evaluation.scoring import score, score_files
from vnsumm.factcheck.check import check, check_article
from vnsumm.factcheck.facts import FactKind, UnsupportedFact
from vnsumm.lang.text import normalize, split_sentences, syllables
from vnsumm.models.extractive import ExtractiveParams, ExtractiveSummarizer
from vnsumm.models.generator import Seq2SeqGenerator, build_input, encode_inputs, plan_batches, postprocess
from vnsumm.models.seq2seq import Seq2SeqSummarizer, Translator
from vnsumm.models.summarizer import Summarizer
from vnsumm.options import Device, EngineName, Lang, Length, OutputFormat, RunOptions, RunReport, Unsupported
from vnsumm.output.digest import render_html, render_markdown, write_digests
from vnsumm.pipeline import run
from vnsumm.plan import RunPlan, plan_run
from vnsumm.readers import Fields, read_inputs
from vnsumm.records import Article, ModelIdentity
from vnsumm.registry import Registry, load_registry
from vnsumm.runtime import Runtime
from vnsumm.stages.base import Stage
from vnsumm.stages.check import CheckStage
from vnsumm.stages.clean import CleanStage
from vnsumm.stages.summarize import SummarizeStage, summarize_articles
from vnsumm.stages.translate import TranslateStage, translate_articles
from vnsumm.stories.grouping import group, story_ids
from vnsumm.stories.record import StorySummary
from vnsumm.stories.summaries import load_story_models, summarize_stories, summarize_stories_file
from vnsumm.tuning import tune_process
from vnsumm.version import __version__

__all__ = [
    "Article",
    "CheckStage",
    "CleanStage",
    "ConfigError",
    "Device",
    "EngineName",
    "EvalSet",
    "ExtractiveParams",
    "ExtractiveSpec",
    "ExtractiveSummarizer",
    "FactKind",
    "Fields",
    "Lang",
    "Length",
    "ModelIdentity",
    "ModelSpecBase",
    "ModelUnavailable",
    "OutputFormat",
    "Registry",
    "RunOptions",
    "RunPlan",
    "RunReport",
    "Runtime",
    "Seq2SeqGenerator",
    "Seq2SeqSpec",
    "Seq2SeqSummarizer",
    "Stage",
    "StorySummary",
    "SummarizeStage",
    "Summarizer",
    "TranslateStage",
    "Translator",
    "Unsupported",
    "UnsupportedFact",
    "__version__",
    "build_input",
    "check",
    "check_article",
    "clean_article",
    "clean_articles",
    "clean_text",
    "dataset_set",
    "encode_inputs",
    "evaluate",
    "group",
    "load_registry",
    "load_story_models",
    "normalize",
    "plan_batches",
    "plan_run",
    "postprocess",
    "read_inputs",
    "render_html",
    "render_markdown",
    "run",
    "score",
    "score_files",
    "seed_set",
    "split_sentences",
    "story_ids",
    "summarize_articles",
    "summarize_stories",
    "summarize_stories_file",
    "syllables",
    "translate_articles",
    "tune_process",
    "write_cleaned",
    "write_digests",
]

"""vnsumm: summarize and translate Vietnamese news in bulk.

The library and the CLI are the same thing: `vnsumm run` is `vnsumm.run`, `vnsumm clean` is
`vnsumm.clean_articles(vnsumm.read_inputs(...))` then `vnsumm.write_cleaned`, `vnsumm score` is
`vnsumm.score_files`, `vnsumm eval` is `vnsumm.evaluate`, `vnsumm check` is `vnsumm.check`
(stage: `vnsumm.factcheck`), `vnsumm group` is `vnsumm.group` (stage: `vnsumm.stories`).
"""

from vnsumm.clean import clean_article, clean_articles, clean_text, write_cleaned
from vnsumm.digest import render_html, render_markdown
from vnsumm.errors import ConfigError, ModelUnavailable
from vnsumm.evaluate import EvalSet, dataset_set, evaluate, seed_set
from vnsumm.extractive import ExtractiveParams, ExtractiveSummarizer
from vnsumm.factcheck import check, check_article, check_stage
from vnsumm.models import Seq2SeqEngine, build_input, encode_inputs, plan_batches, postprocess
from vnsumm.options import Device, EngineName, Lang, OutputFormat, RunOptions, RunReport
from vnsumm.pipeline import run
from vnsumm.readers import Fields, read_inputs
from vnsumm.records import Article
from vnsumm.registry import ModelSpec, Registry, load_registry
from vnsumm.scoring import score, score_files
from vnsumm.stories import group, group_stage, story_ids
from vnsumm.summarize import Seq2SeqSummarizer, Summarizer, load_summarizer, summarize_stage
from vnsumm.text import normalize, split_sentences, syllables
from vnsumm.translate import Translator, load_translator, translate_stage
from vnsumm.tuning import tune_process
from vnsumm.version import __version__

__all__ = [
    "Article",
    "ConfigError",
    "Device",
    "EngineName",
    "EvalSet",
    "ExtractiveParams",
    "ExtractiveSummarizer",
    "Fields",
    "Lang",
    "ModelSpec",
    "ModelUnavailable",
    "OutputFormat",
    "Registry",
    "RunOptions",
    "RunReport",
    "Seq2SeqEngine",
    "Seq2SeqSummarizer",
    "Summarizer",
    "Translator",
    "__version__",
    "build_input",
    "check",
    "check_article",
    "check_stage",
    "clean_article",
    "clean_articles",
    "clean_text",
    "dataset_set",
    "encode_inputs",
    "evaluate",
    "group",
    "group_stage",
    "load_registry",
    "load_summarizer",
    "load_translator",
    "normalize",
    "plan_batches",
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
    "summarize_stage",
    "syllables",
    "translate_stage",
    "tune_process",
    "write_cleaned",
]
